/**
 * The core's API as the windows' side sees it. `Core` (in this process) and `CoreClient` (the
 * core in its own process) both implement it, so the Electron shell, the browser bridge and the
 * tests use either without knowing which.
 */
import type { Case, CommandType } from '../../shared/protocol';
import type { History, HistoryRange } from '../../shared/bridge/contract';
import type { StatisticsQuery, StatisticsResult } from '../../shared/bridge/statistics';
import type { Answer, CaseDetail, ChangeBatch, Checksum, CommandAccepted, ConnectionState, CoreSnapshot, CoreSnapshotWire, PendingCommand } from './model';

export interface CoreApi {
  /** Starts syncing with the hub and sending the outbox. */
  start(): Promise<void>;
  /** Stops syncing and closes the files; pending commands stay in the outbox for next time. */
  stop(): Promise<void>;
  /** Everything a window needs to draw from scratch. */
  snapshot(): Promise<CoreSnapshot>;
  /** The same with the cases as one JSON array text, for a shell that sends text on (browser mode; issue 5). */
  snapshotWire?(): Promise<CoreSnapshotWire>;
  /** Coalesced change batches (at most one per frame); returns the unsubscribe. */
  onChanges(listener: (batch: ChangeBatch) => void): () => void;
  /** Validates and durably queues an officer's action; resolves once it is on disk. */
  command(type: CommandType, payload: unknown, expectedVersion: number | null): Promise<CommandAccepted>;
  search(q: string, limit?: number): Promise<Case[]>;
  caseDetail(id: string): Promise<CaseDetail | null>;
  checksum(): Promise<Checksum>;
  connection(): Promise<ConnectionState>;
  pending(): Promise<PendingCommand[]>;
  answer(commandId: string): Promise<Answer | null>;
  /** The most recent answers, newest first (for a window opened after they came). */
  answers(limit?: number): Promise<Answer[]>;
  /** Replay: cases, case events and unit position samples of a period. */
  history(range: HistoryRange): Promise<History>;
  /** Statistics (issue 9): the hub's `/api/stats/<kind>` with this session's token, checked; `offline` when unreachable. */
  statistics(query: StatisticsQuery): Promise<StatisticsResult>;
}

/** The method names, explicit: the process host forwards these and nothing else. */
export const CORE_METHODS = ['start', 'stop', 'snapshot', 'command', 'search', 'caseDetail', 'checksum', 'connection', 'pending', 'answer', 'answers', 'history', 'statistics'] as const;
export type CoreMethod = (typeof CORE_METHODS)[number];
