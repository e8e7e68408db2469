/**
 * The officer's workflow steps: each is one key and, where the hub needs words or choices,
 * one small form. What to offer comes from the shared lifecycle rules (availableActions), so
 * the window never offers what the hub would refuse for the role or the status.
 */
import { availableActions } from '../../../shared/domain/lifecycle';
import type { Actor } from '../../../shared/domain/roles';
import type { CommandType } from '../../../shared/protocol/commands';
import type { Case, User } from '../../../shared/protocol/entities';

export const STEPS = ['register', 'reject', 'dispatch', 'accept', 'return', 'progress', 'resolve', 'verify', 'suspend', 'resume', 'comment', 'attach', 'merge'] as const;
export type Step = (typeof STEPS)[number];

export type FormKind = 'reason' | 'note' | 'dispatch' | 'verify' | 'suspend' | 'comment' | 'attach' | 'merge';

export interface StepSpec {
  /** The shortcut, lower case; U serves suspend and resume, which are never offered together. */
  key: string;
  command: CommandType;
  /** null: the step needs no words and is sent on the keystroke. */
  form: FormKind | null;
}

export const STEP_SPECS: Record<Step, StepSpec> = {
  register: { key: 'r', command: 'case.register', form: null },
  reject: { key: 'x', command: 'case.reject', form: 'reason' },
  dispatch: { key: 'd', command: 'case.dispatch', form: 'dispatch' },
  accept: { key: 'a', command: 'case.accept', form: null },
  return: { key: 't', command: 'case.return', form: 'reason' },
  progress: { key: 'p', command: 'case.progress', form: 'note' },
  resolve: { key: 's', command: 'case.resolve', form: 'note' },
  verify: { key: 'v', command: 'case.verify', form: 'verify' },
  suspend: { key: 'u', command: 'case.suspend', form: 'suspend' },
  resume: { key: 'u', command: 'case.resume', form: null },
  comment: { key: 'c', command: 'case.comment', form: 'comment' },
  attach: { key: 'l', command: 'case.attach', form: 'attach' },
  merge: { key: 'm', command: 'case.merge', form: 'merge' },
};

export function actorOf(user: User): Actor {
  return { userId: user.id, role: user.role, subdistricts: user.subdistricts, departmentCode: user.departmentCode ?? undefined };
}

/** The steps `user` may take on `c` now, in workflow order. */
export function offeredSteps(user: User | null, c: Case | undefined): Step[] {
  if (!user || !c) return [];
  const actions = new Set<string>(availableActions(actorOf(user), c));
  // Verification is one form with pass (close) or fail (reopen).
  if (actions.has('close') || actions.has('reopen')) actions.add('verify');
  // A duplicate is merged by rejecting it into the case it repeats: same rule as reject.
  if (actions.has('reject') && c.mergedInto === null) actions.add('merge');
  return STEPS.filter((s) => actions.has(s));
}

export function stepForKey(key: string, offered: readonly Step[]): Step | undefined {
  const k = key.toLowerCase();
  return offered.find((s) => STEP_SPECS[s].key === k);
}

export interface FormValues {
  text: string;
  departments: string[];
  /** As typed; empty = the catalog's deadline. */
  handlingHours: string;
  passed: boolean;
  extendHours: string;
  attachName: string;
  attachUrl: string;
  intoCaseId: string;
}

export const EMPTY_FORM: FormValues = { text: '', departments: [], handlingHours: '', passed: true, extendHours: '24', attachName: '', attachUrl: '', intoCaseId: '' };

/** The i18n key of what is missing or wrong in the form, or null when it can be sent. */
export function formProblem(step: Step, v: FormValues): string | null {
  const hours = (s: string) => Number(s.trim());
  const text = v.text.trim();
  switch (STEP_SPECS[step].form) {
    case 'reason': case 'note': case 'comment':
      return text ? null : 'form.problem.textRequired';
    case 'dispatch':
      if (!v.departments.length) return 'form.problem.departmentRequired';
      if (v.handlingHours.trim() && !(hours(v.handlingHours) > 0 && hours(v.handlingHours) <= 24 * 90)) return 'form.problem.hours';
      return null;
    case 'suspend':
      if (!text) return 'form.problem.textRequired';
      return hours(v.extendHours) > 0 && hours(v.extendHours) <= 24 * 90 ? null : 'form.problem.hours';
    case 'attach':
      return v.attachName.trim() ? null : 'form.problem.nameRequired';
    case 'merge':
      return v.intoCaseId ? null : 'form.problem.targetRequired';
    default:
      return null;
  }
}

/** The command payload of a step (the hub validates it again with COMMAND_PAYLOADS). */
export function payloadOf(step: Step, caseId: string, v: FormValues, makeId: () => string = () => `att-${Date.now().toString(36)}`): Record<string, unknown> {
  const text = v.text.trim();
  const note = text ? { note: text } : {};
  switch (step) {
    case 'reject': case 'return': return { caseId, reason: text };
    case 'dispatch': {
      const h = Number(v.handlingHours.trim());
      return { caseId, departments: v.departments, ...(v.handlingHours.trim() && h > 0 ? { handlingHours: h } : {}), ...note };
    }
    case 'progress': case 'resolve': return { caseId, note: text };
    case 'verify': return { caseId, passed: v.passed, ...note };
    case 'suspend': return { caseId, reason: text, extendHours: Number(v.extendHours.trim()) };
    case 'comment': return { caseId, text };
    case 'attach': {
      const url = v.attachUrl.trim();
      return { caseId, attachment: { id: makeId(), name: v.attachName.trim(), mime: url ? 'text/uri-list' : 'application/octet-stream', size: 0, ...(url ? { url } : {}) } };
    }
    case 'merge': return { caseId, intoCaseId: v.intoCaseId, ...note };
    default: return { caseId, ...note };
  }
}
