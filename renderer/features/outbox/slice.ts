/**
 * The officer's actions between keystroke and the hub's answer (the core's durable outbox),
 * and the answers. An answer does not name its case, so we remember which case each of our
 * commands was about.
 */
import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import type { Answer, PendingCommand } from '../../../shared/bridge/contract';
import type { CommandType } from '../../../shared/protocol/commands';
import { changesApplied, snapshotLoaded } from '../../app/actions';
import { createAppThunk, errorInfo } from '../../app/thunk';

export interface Submitted {
  caseId: string | null;
  type: string;
  expectedVersion: number | null;
  at: number;
}

interface OutboxState {
  pending: PendingCommand[];
  /** Newest last, bounded: a window open for weeks must not grow without end. */
  answers: Answer[];
  submitted: Record<string, Submitted>;
  /** Refusals that came while this window watched and are not yet acknowledged. */
  unread: string[];
}

const MAX_ANSWERS = 300;
const initialState: OutboxState = { pending: [], answers: [], submitted: {}, unread: [] };

function caseIdOf(payload: unknown): string | null {
  return payload && typeof payload === 'object' && typeof (payload as { caseId?: unknown }).caseId === 'string'
    ? (payload as { caseId: string }).caseId
    : null;
}

function remember(s: OutboxState, pending: PendingCommand[]) {
  s.pending = pending;
  for (const p of pending) {
    s.submitted[p.commandId] ??= { caseId: caseIdOf(p.payload), type: p.type, expectedVersion: p.expectedVersion, at: p.createdAt };
  }
}

/** Queues an action in the core's outbox; resolves once it is durable there. */
export const sendCommand = createAppThunk(
  'outbox/send',
  async (a: { type: CommandType; payload: Record<string, unknown>; expectedVersion: number | null }, { extra, rejectWithValue }) => {
    try {
      return await extra.bridge.command(a.type, a.payload, a.expectedVersion);
    } catch (e) {
      return rejectWithValue(errorInfo(e));
    }
  },
);

export const outboxSlice = createSlice({
  name: 'outbox',
  initialState,
  reducers: {
    refusalRead(s, a: PayloadAction<string>) {
      s.unread = s.unread.filter((id) => id !== a.payload);
    },
  },
  extraReducers: (b) => {
    b.addCase(snapshotLoaded, (s, a) => {
      remember(s, a.payload.pending);
      s.answers = [...a.payload.answers].reverse().slice(-MAX_ANSWERS); // the snapshot lists newest first
      s.unread = [];
    });
    b.addCase(changesApplied, (s, a) => {
      if (a.payload.pending) remember(s, a.payload.pending);
      // An answer may come twice (in a snapshot re-read and in the stream): keep it once.
      const known = new Set(s.answers.map((x) => x.commandId));
      const fresh = a.payload.answers.filter((x) => !known.has(x.commandId));
      if (!fresh.length) return;
      s.answers = [...s.answers, ...fresh].slice(-MAX_ANSWERS);
      for (const ans of fresh) if (!ans.result.ok) s.unread.push(ans.commandId);
      s.unread = s.unread.slice(-20);
    });
    b.addCase(sendCommand.fulfilled, (s, a) => {
      const { type, payload, expectedVersion } = a.meta.arg;
      s.submitted[a.payload.commandId] = { caseId: caseIdOf(payload), type, expectedVersion, at: Date.now() };
    });
  },
});

export const { refusalRead } = outboxSlice.actions;
