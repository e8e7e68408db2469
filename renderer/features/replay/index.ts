/** Replay of a past period on the map (issue 6): the control, its state, and the pure model. */
export { ReplayBar } from './ReplayBar';
export { useReplay, type ReplayApi, type ReplayFrame, type ReplayState } from './useReplay';
export { buildReplay, ReplayFrames, REPLAY_SPEEDS, type ReplaySpeed } from './model';
