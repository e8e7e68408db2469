/**
 * Emergency operations (ARCHITECTURE §5: an entity adapter like cases, units and cameras), filled
 * from the snapshot's `operations` and from change batches. An operation that left the user's
 * scope (a liaison whose department's last task was reassigned away) is removed.
 */
import { createEntityAdapter, createSlice, type PayloadAction } from '@reduxjs/toolkit';
import type { Operation } from '../../../shared/protocol/entities';
import { changesApplied, snapshotLoaded } from '../../app/actions';
import { sendCommand } from '../outbox/slice';

export const operationsAdapter = createEntityAdapter<Operation>();

export const operationsSlice = createSlice({
  name: 'operations',
  initialState: operationsAdapter.getInitialState({ loaded: false }),
  reducers: {},
  extraReducers: (b) => {
    b.addCase(snapshotLoaded, (s, a) => {
      operationsAdapter.setAll(s, Array.isArray(a.payload.operations) ? a.payload.operations : []);
      s.loaded = true;
    });
    b.addCase(changesApplied, (s, a) => {
      const list = Array.isArray(a.payload.operations) ? a.payload.operations : [];
      // A batch older than what the window holds (a re-read raced the stream) never goes back.
      operationsAdapter.upsertMany(s, list.filter((o) => (s.entities[o.id]?.version ?? 0) <= o.version));
      operationsAdapter.removeMany(s, a.payload.removed.operations ?? []);
    });
  },
});

interface BoardState {
  /** commandId → the operation it was about (null: an activation), for the board's refusals. */
  sent: Record<string, string | null>;
  /** Refusals the coordinator has read. */
  dismissed: string[];
}

const initialBoard: BoardState = { sent: {}, dismissed: [] };

export const operationsBoardSlice = createSlice({
  name: 'operationsBoard',
  initialState: initialBoard,
  reducers: {
    refusalDismissed(s, a: PayloadAction<string>) {
      if (!s.dismissed.includes(a.payload)) s.dismissed = [...s.dismissed, a.payload].slice(-200);
    },
  },
  extraReducers: (b) => {
    b.addCase(sendCommand.fulfilled, (s, a) => {
      if (!a.meta.arg.type.startsWith('operation.')) return;
      const id = a.meta.arg.payload.operationId;
      s.sent[a.payload.commandId] = typeof id === 'string' ? id : null;
    });
  },
});

export const { refusalDismissed } = operationsBoardSlice.actions;
