/**
 * Where windows go: the console's bounds are remembered; each wall is assigned to a display
 * and reopens full screen on it after a restart or when the display comes back.
 */
import fs from 'node:fs';
import { z } from 'zod';
import type { BrowserWindow, Screen } from 'electron';

const Bounds = z.object({ x: z.number().int(), y: z.number().int(), width: z.number().int().min(200), height: z.number().int().min(200) });
const LayoutFile = z.object({
  windows: z.record(z.string(), z.object({ bounds: Bounds, displayId: z.number().optional() })).default({}),
  walls: z.array(z.object({ name: z.string().regex(/^[a-z0-9-]{1,32}$/), displayId: z.number() })).default([]),
});
type Layout = z.infer<typeof LayoutFile>;

export class WindowLayout {
  private layout: Layout;
  private readonly open = new Map<string, BrowserWindow>();
  private saveTimer: NodeJS.Timeout | null = null;

  constructor(private readonly file: string, private readonly screen: Screen) {
    let raw: unknown = {};
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      // first start
    }
    const parsed = LayoutFile.safeParse(raw);
    this.layout = parsed.success ? parsed.data : LayoutFile.parse({});
  }

  walls(): Layout['walls'] {
    return this.layout.walls.filter((w) => this.screen.getAllDisplays().some((d) => d.id === w.displayId));
  }

  boundsFor(name: string, displayId?: number): z.infer<typeof Bounds> | undefined {
    if (displayId !== undefined) return this.screen.getAllDisplays().find((d) => d.id === displayId)?.bounds;
    const saved = this.layout.windows[name]?.bounds;
    // Only where a display still shows it: a laptop undocked must not open off-screen.
    const visible = saved && this.screen.getAllDisplays().some((d) => saved.x >= d.bounds.x && saved.y >= d.bounds.y && saved.x < d.bounds.x + d.bounds.width && saved.y < d.bounds.y + d.bounds.height);
    return visible ? saved : undefined;
  }

  track(name: string, win: BrowserWindow): void {
    this.open.set(name, win);
    const remember = () => {
      if (win.isDestroyed() || win.isFullScreen()) return;
      this.layout.windows[name] = { bounds: win.getBounds() };
      this.scheduleSave();
    };
    win.on('moved', remember);
    win.on('resized', remember);
    win.on('closed', () => this.open.delete(name));
  }

  reopenWalls(open: (name: string, displayId: number) => void): void {
    for (const w of this.walls()) if (!this.open.has(w.name)) open(w.name, w.displayId);
  }

  private scheduleSave(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => fs.writeFile(this.file, JSON.stringify(this.layout, null, 2), () => {}), 500);
  }
}
