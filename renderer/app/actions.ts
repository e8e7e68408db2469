/**
 * The actions every slice may answer: what the bridge delivered, and the clock. A change batch
 * is ONE action, so a burst of a thousand events costs one render.
 */
import { createAction } from '@reduxjs/toolkit';
import type { ChangeBatch, Snapshot } from '../../shared/bridge/contract';

/** A whole snapshot: at start, after login or user switch, and after a resync. */
export const snapshotLoaded = createAction<Snapshot>('bridge/snapshotLoaded');
export const changesApplied = createAction<ChangeBatch>('bridge/changesApplied');
/** The page's own link to the core (browser mode only; Electron's IPC does not drop). */
export const linkChanged = createAction<{ up: boolean; since: number }>('bridge/linkChanged');
/** The one clock of the window: countdowns and "overdue" all read this `now`. */
export const ticked = createAction<number>('clock/ticked');
