/**
 * One camera tile: name, place, status, and the picture when the camera has a stream (MJPEG read
 * through fetch and drawn on a canvas, HLS through hls.js or the browser's own, plain video).
 * A stream that fails or stalls is shown as lost — never a frozen frame as if live — and retried
 * with a backoff. Players are torn down when the tile goes (connections closed, buffers freed).
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Camera } from '../../../shared/protocol/entities';
import { backoffMs, classifyStream, STALL_MS, type StreamKind } from './cameras';
import { MjpegParser } from './mjpeg';

type PlayState =
  | { kind: 'none' }
  | { kind: 'connecting' }
  | { kind: 'playing' }
  | { kind: 'retrying'; attempt: number; at: number }
  | { kind: 'blocked' }
  | { kind: 'unsupported'; what: string };

interface PlayerProps {
  url: string;
  onFrame(): void;
  onDead(reason: 'error' | 'blocked'): void;
}

/**
 * Origins the page's CSP refused (fetch only says "failed"; the violation event, queued after
 * the fetch's rejection, says why). One listener for the whole wall.
 */
const blockedOrigins = new Set<string>();
let cspListening = false;

function originOf(url: string): string {
  try {
    return new URL(url, location.href).origin;
  } catch {
    return url;
  }
}

function listenCsp(): void {
  if (cspListening) return;
  cspListening = true;
  document.addEventListener('securitypolicyviolation', (e) => {
    if (e.blockedURI) blockedOrigins.add(originOf(e.blockedURI));
  });
}

/** After a failure: was it the CSP? Waits a moment for the violation event to arrive. */
function failureReason(url: string): Promise<'error' | 'blocked'> {
  return new Promise((r) => setTimeout(() => r(blockedOrigins.has(originOf(url)) ? 'blocked' : 'error'), 150));
}

function MjpegPlayer({ url, onFrame, onDead }: PlayerProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const cb = useRef({ onFrame, onDead });
  cb.current = { onFrame, onDead };
  useEffect(() => {
    const abort = new AbortController();
    let dead = false;
    let lastFrame = Date.now();
    let decoding = false;
    let waiting: Uint8Array | null = null;
    const die = (reason: 'error' | 'blocked') => {
      if (dead) return;
      dead = true;
      abort.abort();
      cb.current.onDead(reason);
    };
    listenCsp();
    const draw = async (frame: Uint8Array) => {
      decoding = true;
      try {
        const bmp = await createImageBitmap(new Blob([frame as BlobPart], { type: 'image/jpeg' }));
        const c = canvas.current;
        if (c && !dead) {
          if (c.width !== bmp.width || c.height !== bmp.height) {
            c.width = bmp.width;
            c.height = bmp.height;
          }
          c.getContext('2d')?.drawImage(bmp, 0, 0);
          cb.current.onFrame();
        }
        bmp.close();
      } catch {
        // a damaged frame: skip it; the watchdog notices if no good one follows
      }
      decoding = false;
      if (waiting && !dead) {
        const next = waiting;
        waiting = null;
        void draw(next);
      }
    };
    const watchdog = setInterval(() => {
      if (Date.now() - lastFrame > STALL_MS) die('error');
    }, 1000);
    void (async () => {
      try {
        const res = await fetch(url, { signal: abort.signal, cache: 'no-store', credentials: 'omit' });
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        const reader = res.body.getReader();
        const parser = new MjpegParser();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          for (const frame of parser.push(value)) {
            lastFrame = Date.now();
            // Only the newest frame is decoded: a slow wall skips frames, it never queues them.
            if (decoding) waiting = frame;
            else void draw(frame);
          }
        }
        die('error'); // the stream ended: the camera or its gateway went away
      } catch {
        if (!abort.signal.aborted) die(await failureReason(url));
      }
    })();
    return () => {
      dead = true;
      clearInterval(watchdog);
      abort.abort();
      waiting = null;
    };
  }, [url]);
  return <canvas ref={canvas} className="wall-cam-picture" data-testid="wall-camera-canvas" />;
}

function VideoPlayer({ url, kind, onFrame, onDead }: PlayerProps & { kind: 'hls' | 'video' }) {
  const video = useRef<HTMLVideoElement>(null);
  const cb = useRef({ onFrame, onDead });
  cb.current = { onFrame, onDead };
  useEffect(() => {
    const v = video.current;
    if (!v) return;
    let dead = false;
    let lastProgress = Date.now();
    let lastTime = -1;
    let destroyHls: (() => void) | null = null;
    const die = (reason: 'error' | 'blocked') => {
      if (dead) return;
      dead = true;
      cb.current.onDead(reason);
    };
    listenCsp();
    const onTime = () => {
      if (v.currentTime !== lastTime) {
        lastTime = v.currentTime;
        lastProgress = Date.now();
        cb.current.onFrame();
      }
    };
    const onError = () => void failureReason(url).then(die);
    v.addEventListener('timeupdate', onTime);
    v.addEventListener('error', onError);
    v.addEventListener('ended', onError);
    const watchdog = setInterval(() => {
      if (Date.now() - lastProgress > STALL_MS * 2) die('error');
    }, 1000);
    const play = () => void v.play().catch(() => {});
    if (kind === 'hls' && !v.canPlayType('application/vnd.apple.mpegurl')) {
      void import('hls.js').then(({ default: Hls }) => {
        if (dead) return;
        if (!Hls.isSupported()) {
          die('error');
          return;
        }
        // Small buffers: a wall plays live video for weeks; nothing behind the playhead is kept long.
        const hls = new Hls({ lowLatencyMode: true, maxBufferLength: 10, backBufferLength: 10, liveDurationInfinity: true, enableWorker: true });
        hls.on(Hls.Events.ERROR, (_e, data) => {
          if (data.fatal) void failureReason(url).then(die);
        });
        hls.loadSource(url);
        hls.attachMedia(v);
        destroyHls = () => hls.destroy();
        play();
      }, () => die('error'));
    } else {
      v.src = url;
      play();
    }
    return () => {
      dead = true;
      clearInterval(watchdog);
      v.removeEventListener('timeupdate', onTime);
      v.removeEventListener('error', onError);
      v.removeEventListener('ended', onError);
      destroyHls?.();
      v.pause();
      v.removeAttribute('src');
      v.load(); // releases the decoder and the connection
    };
  }, [url, kind]);
  return <video ref={video} className="wall-cam-picture" muted playsInline autoPlay data-testid="wall-camera-video" />;
}

export function CameraTile({ camera, distance, stale, play }: { camera: Camera; distance: string | null; stale: boolean; play: boolean }) {
  const { t } = useTranslation();
  const stream = camera.status === 'online' && play ? camera.stream : null;
  const classified = stream ? classifyStream(stream, location.href) : null;
  const [state, setState] = useState<PlayState>(() => initial(classified?.kind ?? null, classified?.what ?? ''));
  const [attempt, setAttempt] = useState(0);
  const [now, setNow] = useState(Date.now());

  // A new address (or the tile showing another camera) starts afresh.
  useEffect(() => {
    setState(initial(classified?.kind ?? null, classified?.what ?? ''));
    setAttempt(0);
  }, [stream, classified?.kind, classified?.what]);

  useEffect(() => {
    if (state.kind !== 'retrying') return;
    const wait = Math.max(0, state.at - Date.now());
    const tick = setInterval(() => setNow(Date.now()), 1000);
    const go = setTimeout(() => setState({ kind: 'connecting' }), wait);
    return () => {
      clearInterval(tick);
      clearTimeout(go);
    };
  }, [state]);

  const onFrame = () => {
    if (state.kind !== 'playing') {
      setState({ kind: 'playing' });
      setAttempt(0);
    }
  };
  const onDead = (reason: 'error' | 'blocked') => {
    if (reason === 'blocked') {
      setState({ kind: 'blocked' });
      return;
    }
    const next = attempt + 1;
    setAttempt(next);
    setState({ kind: 'retrying', attempt: next, at: Date.now() + backoffMs(next) });
  };

  const live = state.kind === 'connecting' || state.kind === 'playing';
  let note: string | null = null;
  if (!stream) note = camera.status !== 'online' ? t('wall.cameras.notOnline', { status: t(`camera.status.${camera.status}`) }) : t('wall.cameras.noStream');
  else if (state.kind === 'connecting') note = t('wall.cameras.connecting');
  else if (state.kind === 'retrying') note = t('wall.cameras.retrying', { attempt: state.attempt, seconds: Math.max(0, Math.ceil((state.at - now) / 1000)) });
  else if (state.kind === 'blocked') note = t('wall.cameras.blocked');
  else if (state.kind === 'unsupported') note = t('wall.cameras.unsupported', { what: state.what });

  const shown = stream && classified && live ? classified.kind : null;
  return (
    <figure className={`wall-cam s-${camera.status} p-${stream ? state.kind : 'none'}`} data-testid="wall-camera" data-camera-id={camera.id} data-state={stream ? state.kind : 'none'} data-status={camera.status}>
      <div className="wall-cam-screen">
        {shown === 'mjpeg' && stream && <MjpegPlayer key={attempt} url={stream} onFrame={onFrame} onDead={onDead} />}
        {(shown === 'hls' || shown === 'video') && stream && <VideoPlayer key={attempt} url={stream} kind={shown} onFrame={onFrame} onDead={onDead} />}
        {state.kind !== 'playing' && (
          <div className="wall-cam-placeholder" data-testid="wall-camera-placeholder">
            <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 7h11a1 1 0 0 1 1 1v2.5l4-2.5v8l-4-2.5V16a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1z" fill="none" stroke="currentColor" strokeWidth="1.5" /></svg>
            <span>{note}</span>
          </div>
        )}
      </div>
      <figcaption>
        <b>{camera.name}</b>
        <span className={`wall-cam-status s-${camera.status}`}>{t(`camera.status.${camera.status}`)}{stale ? ` · ${t('wall.stale.tag')}` : ''}</span>
        {distance && <span className="wall-cam-distance">{distance}</span>}
      </figcaption>
    </figure>
  );
}

function initial(kind: StreamKind | null, what: string): PlayState {
  if (!kind) return { kind: 'none' };
  if (kind === 'unsupported') return { kind: 'unsupported', what };
  return { kind: 'connecting' };
}
