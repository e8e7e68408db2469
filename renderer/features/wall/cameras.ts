/**
 * Camera tiles, the pure part: which cameras a matrix shows (the nearest to the followed case,
 * else pinned or streaming ones), what kind of stream an address is, and the retry backoff.
 */
import type { Camera, LngLat } from '../../../shared/protocol/entities';
import { distanceM } from '../case/geo';

export interface Tile {
  camera: Camera;
  /** From the followed place, when there is one. */
  distanceM: number | null;
}

export function chooseCameras(cameras: readonly Camera[], count: number, focus: LngLat | null, pinned: readonly string[] = []): Tile[] {
  if (focus) {
    return cameras.map((camera) => ({ camera, distanceM: distanceM(focus, camera.point) }))
      .sort((a, b) => a.distanceM - b.distanceM || (a.camera.id < b.camera.id ? -1 : 1))
      .slice(0, count);
  }
  const byId = new Map(cameras.map((c) => [c.id, c]));
  const out: Camera[] = pinned.map((id) => byId.get(id)).filter((c): c is Camera => !!c).slice(0, count);
  if (out.length < count) {
    const taken = new Set(out.map((c) => c.id));
    const rank = (c: Camera) => (c.stream && c.status === 'online' ? 0 : c.stream ? 1 : c.status === 'online' ? 2 : 3);
    const rest = cameras.filter((c) => !taken.has(c.id)).sort((a, b) => rank(a) - rank(b) || (a.id < b.id ? -1 : 1));
    out.push(...rest.slice(0, count - out.length));
  }
  return out.map((camera) => ({ camera, distanceM: null }));
}

export type StreamKind = 'mjpeg' | 'hls' | 'video' | 'unsupported';

/** By the address: HLS playlists, plain video files, and MJPEG (anything else over http). */
export function classifyStream(url: string, base = 'http://localhost/'): { kind: StreamKind; what: string } {
  let u: URL;
  try {
    u = new URL(url, base);
  } catch {
    return { kind: 'unsupported', what: 'invalid address' };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { kind: 'unsupported', what: u.protocol.replace(':', '') };
  const path = u.pathname.toLowerCase();
  if (path.endsWith('.m3u8') || u.searchParams.get('format')?.toLowerCase() === 'm3u8') return { kind: 'hls', what: 'HLS' };
  if (/\.(mp4|webm|ogv|ogg)$/.test(path)) return { kind: 'video', what: 'video' };
  return { kind: 'mjpeg', what: 'MJPEG' };
}

/** 1 s, 2 s, 4 s … at most 30 s between attempts; a little jitter so 16 tiles do not retry in step. */
export function backoffMs(attempt: number, random = Math.random): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.9 + 0.2 * random()));
}

/** A frame within this long, or the stream counts as dead. */
export const STALL_MS = 6_000;
