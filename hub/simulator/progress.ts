/**
 * The history's progress in a terminal: one bar redrawn in place on a TTY
 * (`history ███████░░░ 70% · day 21/30 · 12 s left`), a plain line every 10% otherwise (CI, logs).
 */
import type { HistoryProgress } from './history';

const WIDTH = 20;

export function formatProgress(p: HistoryProgress): string {
  const filled = Math.round(p.fraction * WIDTH);
  const left = p.leftMs === null ? '…' : `${Math.ceil(p.leftMs / 1000)} s left`;
  return `history ${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)} ${String(Math.floor(p.fraction * 100)).padStart(3)}% · day ${p.day}/${p.days} · ${left}`;
}

export function progressPrinter(out: NodeJS.WriteStream = process.stdout): { onProgress(p: HistoryProgress): void; done(): void } {
  const tty = out.isTTY === true;
  let lastTenth = -1;
  let drawn = false;
  let lastDraw = 0;
  return {
    onProgress(p) {
      if (tty) {
        const now = performance.now();
        if (now - lastDraw < 100 && p.fraction < 1) return;
        lastDraw = now;
        out.write(`\r${formatProgress(p)}\x1b[K`);
        drawn = true;
        return;
      }
      const tenth = Math.floor(p.fraction * 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      out.write(`${formatProgress(p)}\n`);
    },
    done() {
      if (tty && drawn) out.write('\n');
    },
  };
}
