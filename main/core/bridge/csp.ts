/**
 * The windows' Content-Security-Policy, one source for both shells. Camera streams are fetched by
 * the page (MJPEG through fetch, HLS through hls.js): a deployment whose video gateway is not
 * behind the app's own origin names the gateway's origins here (`LINKAGE_CAMERA_ORIGINS`,
 * comma-separated), and only those are added to connect-src, img-src and media-src. Nothing
 * else may be reached from a window.
 */
import { z } from 'zod';

const OriginSchema = z.string().trim().transform((s, ctx) => {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    ctx.addIssue({ code: 'custom', message: `not an address: ${s.slice(0, 80)}` });
    return z.NEVER;
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password || (u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) {
    ctx.addIssue({ code: 'custom', message: `a camera origin is scheme://host[:port] over http or https, nothing more: ${s.slice(0, 80)}` });
    return z.NEVER;
  }
  return u.origin;
});

export const CameraOriginsSchema = z.array(OriginSchema).max(50);

/** Reads `LINKAGE_CAMERA_ORIGINS`; throws a readable error on a bad entry (the app refuses to start). */
export function cameraOriginsFrom(value: string | undefined): string[] {
  if (!value?.trim()) return [];
  const parsed = CameraOriginsSchema.safeParse(value.split(',').filter((s) => s.trim()));
  if (!parsed.success) throw new Error(`LINKAGE_CAMERA_ORIGINS: ${z.prettifyError(parsed.error)}`);
  return [...new Set(parsed.data)];
}

/** `connectSelf`: extra sources the page's own bridge needs (browser mode's WebSocket). */
export function contentSecurityPolicy(opts: { connectSelf?: string[]; cameraOrigins?: string[] } = {}): string {
  const cams = (opts.cameraOrigins ?? []).join(' ');
  const plus = (s: string) => (cams ? `${s} ${cams}` : s);
  return [
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", plus("img-src 'self' data: blob:"),
    "font-src 'self' data:", "worker-src 'self' blob:", plus(["connect-src 'self'", ...(opts.connectSelf ?? [])].join(' ')), plus("media-src 'self' blob:"),
    "object-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
  ].join('; ');
}
