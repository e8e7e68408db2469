/**
 * The replay's state for one map pane: the period, the moment shown, play/pause and speed. The
 * history itself (thousands of cases and samples) stays here, outside the store: it is one
 * pane's working copy, changes at frame rate while playing, and nobody else needs it.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { History, HistoryRange } from '../../../shared/bridge/contract';
import type { Case, Position } from '../../../shared/protocol/entities';
import { useAppDispatch } from '../../app/hooks';
import { errorInfo, type AppThunk } from '../../app/thunk';
import { buildReplay, ReplayFrames, type ReplaySpeed } from './model';

/** Wall-clock ms between two moments shown while playing: 10 per second is smooth enough for a replay. */
const TICK_MS = 100;

export const PERIODS = ['1h', '6h', '24h', '7d', 'custom'] as const;
export type PeriodPreset = (typeof PERIODS)[number];
const PRESET_MS: Record<Exclude<PeriodPreset, 'custom'>, number> = { '1h': 3600_000, '6h': 6 * 3600_000, '24h': 24 * 3600_000, '7d': 7 * 24 * 3600_000 };

export function presetRange(p: Exclude<PeriodPreset, 'custom'>, now: number): HistoryRange {
  return { from: now - PRESET_MS[p], to: now };
}

/** The bridge call, as a thunk: components reach the core only through the store's bridge. */
export const fetchHistory = (range: HistoryRange): AppThunk<Promise<History>> => (_d, _g, { bridge }) =>
  bridge.history ? bridge.history(range) : Promise.reject(Object.assign(new Error('history'), { code: 'unavailable' }));

export interface ReplayState {
  open: boolean;
  phase: 'idle' | 'loading' | 'ready' | 'error';
  error: { code: string; message: string } | null;
  range: HistoryRange | null;
  at: number;
  speed: ReplaySpeed;
  playing: boolean;
  stats: { cases: number; units: number; truncated: boolean } | null;
}

/** What the map draws at the moment shown. */
export interface ReplayFrame {
  at: number;
  cases: Case[];
  positions: Record<string, Position>;
  /** Units with a track in the period (the others are not drawn during a replay). */
  unitIds: ReadonlySet<string>;
}

export interface ReplayApi {
  state: ReplayState;
  frame: ReplayFrame | null;
  open(): void;
  close(): void;
  load(range: HistoryRange): void;
  seek(at: number): void;
  setPlaying(on: boolean): void;
  setSpeed(speed: ReplaySpeed): void;
}

const INITIAL: ReplayState = { open: false, phase: 'idle', error: null, range: null, at: 0, speed: 60, playing: false, stats: null };

export function useReplay(): ReplayApi {
  const dispatch = useAppDispatch();
  const [state, setState] = useState<ReplayState>(INITIAL);
  const [frames, setFrames] = useState<ReplayFrames | null>(null);
  const request = useRef(0);

  const load = useCallback((range: HistoryRange) => {
    const id = ++request.current;
    setState((s) => ({ ...s, phase: 'loading', error: null, range, playing: false, at: range.from }));
    dispatch(fetchHistory(range)).then(
      (h) => {
        if (id !== request.current) return; // a newer request or a close won
        const replay = buildReplay(h);
        setFrames(new ReplayFrames(replay));
        setState((s) => ({ ...s, phase: 'ready', at: range.from, stats: { cases: replay.cases.length, units: replay.tracks.length, truncated: replay.truncated } }));
      },
      (e: unknown) => {
        if (id !== request.current) return;
        setFrames(null);
        setState((s) => ({ ...s, phase: 'error', error: errorInfo(e) }));
      },
    );
  }, [dispatch]);

  const open = useCallback(() => setState((s) => ({ ...s, open: true })), []);
  const close = useCallback(() => {
    request.current++;
    setFrames(null);
    setState((s) => ({ ...INITIAL, speed: s.speed }));
  }, []);
  const seek = useCallback((at: number) => setState((s) => (s.range ? { ...s, at: Math.max(s.range.from, Math.min(s.range.to, at)) } : s)), []);
  const setPlaying = useCallback((on: boolean) => setState((s) => {
    if (s.phase !== 'ready' || !s.range) return s;
    // Play at the end starts again from the beginning.
    return { ...s, playing: on, at: on && s.at >= s.range.to ? s.range.from : s.at };
  }), []);
  const setSpeed = useCallback((speed: ReplaySpeed) => setState((s) => ({ ...s, speed })), []);

  // The clock of the replay: wall time × speed, a new moment every TICK_MS.
  useEffect(() => {
    if (!state.playing) return;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      const dt = now - last;
      last = now;
      setState((s) => {
        if (!s.playing || !s.range) return s;
        const at = Math.min(s.range.to, s.at + dt * s.speed);
        return { ...s, at, playing: at < s.range.to };
      });
    }, TICK_MS);
    return () => clearInterval(timer);
  }, [state.playing]);

  const frame = useMemo<ReplayFrame | null>(() => {
    if (!frames || state.phase !== 'ready') return null;
    const at = Math.round(state.at);
    return { at, cases: frames.casesAt(at), positions: frames.positionsAt(at), unitIds: unitIdsOf(frames) };
  }, [frames, state.phase, state.at]);

  return { state, frame, open, close, load, seek, setPlaying, setSpeed };
}

const unitIdCache = new WeakMap<ReplayFrames, ReadonlySet<string>>();
function unitIdsOf(frames: ReplayFrames): ReadonlySet<string> {
  let ids = unitIdCache.get(frames);
  if (!ids) unitIdCache.set(frames, (ids = new Set(frames.replay.tracks.map((t) => t.unitId))));
  return ids;
}
