/**
 * Batch semantics shared by every source endpoint. Each record becomes one `case.report`
 * command, applied all-or-nothing on its own (a savepoint within the slice's group commit): a
 * bad record is reported with its line and reason and the others are still taken.
 */
import type { HubCore } from '../core';
import type { Actor } from '../../shared/domain/roles';
import { DomainError, type ErrorCode } from '../../shared/domain/errors';
import type { Attachment, CommandResult, LngLat, Source, Urgency } from '../../shared/protocol';
import { sourceCommandId, uuidFromHash } from './ids';

/** The report as an adapter builds it; the runner adds source and externalRef. */
export interface ReportDraft {
  categoryCode: string;
  urgency: Urgency;
  point: LngLat;
  address: string;
  reporter: string | null;
  description: string;
  attachments: Attachment[];
  reportedAt?: number | undefined;
}

export interface Advisory {
  line: number;
  externalRef: string;
  event: string;
  severity: string;
  urgency: string;
  headline: string | null;
  areaDesc: string | null;
  reason: string;
}

/** What an adapter makes of one record. `ref` is the record's id in its own network. */
export type Draft =
  | { kind: 'report'; ref: string; report: ReportDraft }
  | { kind: 'skip'; ref?: string | undefined; reason: string }
  /** A follow-up to a record that is already a case (a CAP update or cancel): noted on the case. */
  | { kind: 'note'; ref: string; caseId: string; text: string; reason: string }
  | { kind: 'advisory'; advisory: Omit<Advisory, 'line'> }
  | { kind: 'reject'; ref?: string | undefined; code: ErrorCode; message: string };

export interface IngestResult {
  accepted: Array<{ line: number; externalRef: string; caseId: string }>;
  duplicates: Array<{ line: number; externalRef: string; caseId: string }>;
  rejected: Array<{ line: number; externalRef?: string; code: ErrorCode; message: string; caseId?: string }>;
  skipped: Array<{ line: number; externalRef?: string; reason: string; caseId?: string }>;
  advisories?: Advisory[];
}

export function emptyResult(withAdvisories = false): IngestResult {
  return withAdvisories
    ? { accepted: [], duplicates: [], rejected: [], skipped: [], advisories: [] }
    : { accepted: [], duplicates: [], rejected: [], skipped: [] };
}

/** Each network reports as its own system actor: audited under `source:<name>`, whole district. */
export function sourceActor(source: Source): Actor {
  return { userId: `source:${source}`, role: 'officer', subdistricts: [] };
}

/** How a case's external reference is namespaced: the hub keeps references unique across sources. */
export const externalRefOf = (source: Source, ref: string): string => `${source}:${ref}`;

export function caseByExternalRef(core: HubCore, externalRef: string): string | null {
  const row = core.db.prepare('SELECT id FROM cases WHERE external_ref = ?').get(externalRef) as { id: string } | undefined;
  return row?.id ?? null;
}


/**
 * Records applied per group commit: one transaction (one fsync) for the slice, each command in
 * its own savepoint, so a refused record still leaves the others applied; between slices the
 * event loop turns, so sockets stay live during a big batch.
 */
const SLICE = 25;

/** A command of the slice and what to record once its answer is known. */
interface Pending { command: { commandId: string; type: string; payload: unknown; expectedVersion: null }; settle: (r: CommandResult) => void }

/** A report waiting for its slice's flush, where whether it is a repeat is known for all at once. */
interface ReportStep { report: { commandId: string; payload: ReportPayloadOut; line: number; ref: string; externalRef: string; draft: ReportDraft } }
type Step = Pending | ReportStep | (() => void);
type ReportPayloadOut = ReturnType<typeof reportPayload>;

export async function ingest(core: HubCore, source: Source, records: Iterable<{ line: number; draft: () => Draft }>, out: IngestResult): Promise<IngestResult> {
  const actor = sourceActor(source);
  // Results are recorded in record order: immediate ones wait behind the slice's commands.
  let steps: Step[] = [];
  // On the embedded store nothing here waits for I/O, so a single record is applied before
  // ingest first yields (the simulator's sequence must not depend on the event loop).
  const flush = async () => {
    const ids = steps.flatMap((s) => ('report' in s ? [s.report.commandId] : []));
    const known = ids.length === 0 ? new Set<string>() : core.shared ? await core.answered(ids) : core.answeredNow(ids);
    const inSlice = new Set<string>();
    const ready = steps.map((s) => ('report' in s ? reportStep(core, s.report, known, inSlice, out) : s));
    const pending = ready.filter((s): s is Pending => typeof s !== 'function');
    const items = pending.map((p) => ({ actor, raw: p.command }));
    const results = core.shared ? await core.applyBatch(items) : core.applyBatchNow(items);
    let k = 0;
    for (const s of ready) if (typeof s === 'function') s(); else s.settle(results[k++]!);
    steps = [];
  };
  for (const { line, draft } of records) {
    if (steps.length === SLICE) {
      await flush();
      await new Promise<void>((r) => setImmediate(r));
    }
    let d: Draft;
    try {
      d = draft();
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      steps.push(() => out.rejected.push({ line, code: e.code, message: e.message }));
      continue;
    }
    switch (d.kind) {
      case 'skip':
        steps.push(() => out.skipped.push({ line, ...(d.ref ? { externalRef: d.ref } : {}), reason: d.reason }));
        break;
      case 'reject':
        steps.push(() => out.rejected.push({ line, ...(d.ref ? { externalRef: d.ref } : {}), code: d.code, message: d.message }));
        break;
      case 'advisory':
        steps.push(() => (out.advisories ??= []).push({ line, ...d.advisory }));
        break;
      case 'note': {
        const commandId = uuidFromHash('linkage-source-note', source, d.ref, d.caseId, d.text);
        steps.push({
          command: { commandId, type: 'case.comment', payload: { caseId: d.caseId, text: d.text }, expectedVersion: null },
          settle: (r) => {
            if (r.ok) out.skipped.push({ line, externalRef: d.ref, reason: d.reason, caseId: d.caseId });
            else out.rejected.push({ line, externalRef: d.ref, code: r.error.code, message: r.error.message, caseId: d.caseId });
          },
        });
        break;
      }
      case 'report': {
        const externalRef = externalRefOf(source, d.ref);
        const payload = reportPayload(source, externalRef, d.report);
        steps.push({ report: { commandId: sourceCommandId(source, externalRef, payload), payload, line, ref: d.ref, externalRef, draft: d.report } });
        break;
      }
    }
  }
  await flush();
  return out;
}

/** Fixed key order: the command id hashes this object. */
function reportPayload(source: Source, externalRef: string, r: ReportDraft) {
  return {
    source, externalRef, categoryCode: r.categoryCode, urgency: r.urgency, point: r.point, address: r.address,
    reporter: r.reporter, description: r.description, attachments: r.attachments,
    ...(r.reportedAt !== undefined ? { reportedAt: r.reportedAt } : {}),
  };
}

/**
 * `known`: command ids the store has answered; `inSlice`: ids already in this slice, uncommitted
 * — the same record twice in one request is a duplicate the second time, as it would be in the
 * next request.
 */
function reportStep(core: HubCore, s: ReportStep['report'], known: ReadonlySet<string>, inSlice: Set<string>, out: IngestResult): Pending | (() => void) {
  const { commandId, payload, line, ref, externalRef, draft: r } = s;
  const repeat = inSlice.has(commandId) || known.has(commandId);
  if (!repeat) {
    // Refusals the hub keeps are repeated forever under their commandId; a category or point
    // the district's data does not know yet is checked here first, so it is not kept.
    try {
      core.rules.checkCategory(r.categoryCode, r.urgency);
      core.rules.locate(r.point);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      return () => out.rejected.push({ line, externalRef: ref, code: e.code, message: e.message });
    }
  }
  inSlice.add(commandId);
  return {
    command: { commandId, type: 'case.report', payload, expectedVersion: null },
    settle: (result) => {
      if (result.ok) {
        (repeat ? out.duplicates : out.accepted).push({ line, externalRef: ref, caseId: result.entityId });
        return;
      }
      const caseId = result.error.code === 'conflict' ? caseByExternalRef(core, externalRef) : null;
      out.rejected.push({ line, externalRef: ref, code: result.error.code, message: result.error.message, ...(caseId ? { caseId } : {}) });
    },
  };
}
