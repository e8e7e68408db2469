/**
 * Connects a store to the bridge: the first snapshot, the change stream (one dispatch per
 * frame), the page's own link in browser mode, the district's static data and the clock.
 */
import type { LinkageBridge } from '../../shared/bridge/contract';
import { asWireBridge } from '../bridge';
import { loadDistrict } from '../features/district/slice';
import { loadAccounts } from '../features/session/slice';
import { changesApplied, linkChanged } from './actions';
import { createBatchPump, normalizeBatch } from './batches';
import { startClock } from './clock';
import type { AppStore } from './store';
import { resync } from './sync';

/** The next frame; a hidden window gets no frames, but its alarms must still sound. */
function nextFrame(fn: () => void): void {
  if (document.hidden) setTimeout(fn, 200);
  else requestAnimationFrame(() => fn());
}

/** The first reads must succeed eventually (the core may still be starting): try again, calmly. */
async function untilDone<R>(run: () => Promise<R>, ok: (r: R) => boolean): Promise<void> {
  for (let wait = 1000; ; wait = Math.min(wait * 2, 15_000)) {
    if (ok(await run())) return;
    await new Promise((r) => setTimeout(r, wait));
  }
}

export function connect(store: AppStore, bridge: LinkageBridge): () => void {
  const pump = createBatchPump((b) => store.dispatch(changesApplied(b)), nextFrame);
  const stops: Array<() => void> = [];
  stops.push(bridge.onChanges((raw) => {
    const batch = normalizeBatch(raw);
    // The core replaced its replica: deltas mean nothing now; read it all again.
    if (batch.reset) void store.dispatch(resync());
    pump.push(batch);
  }));
  const wire = asWireBridge(bridge);
  if (wire) {
    stops.push(wire.onLink((up, since) => store.dispatch(linkChanged({ up, since }))));
    stops.push(wire.onResync(() => void store.dispatch(resync())));
  }
  void untilDone(() => store.dispatch(resync()), resync.fulfilled.match);
  void untilDone(() => store.dispatch(loadDistrict()), loadDistrict.fulfilled.match);
  void store.dispatch(loadAccounts());
  stops.push(startClock(store.dispatch));
  return () => stops.forEach((s) => s());
}
