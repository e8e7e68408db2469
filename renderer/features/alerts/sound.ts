/**
 * Alarm tones made with Web Audio (no files to ship or lose): distinct per urgency, so an
 * officer looking at another screen knows by ear how urgent the new case is.
 */
import type { Urgency } from '../../../shared/protocol/entities';

/** Frequency (Hz) and count of beeps: urgent is high and insistent, high is two calmer beeps. */
const PATTERNS: Record<Urgency, { hz: number; beeps: number; gapS: number }> = {
  urgent: { hz: 988, beeps: 3, gapS: 0.16 },
  high: { hz: 660, beeps: 2, gapS: 0.24 },
  normal: { hz: 440, beeps: 1, gapS: 0.3 },
};

let ctx: AudioContext | null = null;

/** Browsers start audio only after a gesture: call this on the first key or click. */
export function unlockAudio(): void {
  try {
    ctx ??= new AudioContext();
    if (ctx.state === 'suspended') void ctx.resume();
  } catch {
    ctx = null; // no audio device: the flash and the notification still tell
  }
}

export function playAlarm(urgency: Urgency): void {
  unlockAudio();
  if (!ctx) return;
  const { hz, beeps, gapS } = PATTERNS[urgency];
  const start = ctx.currentTime + 0.02;
  for (let i = 0; i < beeps; i++) {
    const t = start + i * (gapS + 0.12);
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = hz;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.35, t + 0.015);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.12);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t);
    osc.stop(t + 0.13);
  }
}
