// Assessment figures from a fixed, hand-checked set of 30 cases. Every deadline below was worked
// out by hand on the 2026 calendar (working day 08:30–12:00, 13:00–17:30; 中秋 Sep 25–27 and
// 国庆 Oct 1–7 off; Sun Sep 20 and Sat Oct 10 worked), checked against the hub's own rules, and
// every expected figure was counted by hand from the stories. The hub's store (rollups + facts)
// must give the very same numbers as the pure definitions for any period.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tmpDir } from '../helpers/tmp';
import {
  DEFAULT_WEIGHTS, assess, foldCaseEvent, type CaseFact, type CountMetric, type Figures,
} from '../../shared/domain/assessment';
import type { Case, HubEvent } from '../../shared/protocol';
import { loadRules } from '../../hub/rules';
import { HubCore } from '../../hub/core';
import { StatsStore } from '../../hub/stats/store';
import { StatsQueries, type AssessmentResult } from '../../hub/stats/query';
import { loadNames } from '../../hub/stats/names';

/** '09-28T09:00' → epoch ms of that Beijing time in 2026. */
const T = (s: string) => Date.parse(`2026-${s}:00+08:00`);
const NOW = T('10-12T12:00');
const FROM = T('09-14T00:00');
const TO = T('10-12T00:00');

const XZ = '310112101'; // 莘庄镇
const QB = '310112102'; // 七宝镇
const XZ_C = '310112101001';
const QB_C = '310112102001';

// ───────── the stories ─────────

type Step =
  | ['register' | 'reject' | 'merge' | 'accept' | 'resolve' | 'reopen' | 'close' | 'resume', string]
  | ['dispatch', string, string[], string]   // at, departments, handling deadline (by hand)
  | ['return', string, string, string]       // at, department, fresh dispatch deadline
  | ['suspend', string, string];             // at, extended deadline (by hand)

let seq = 0;
const events: HubEvent[] = [];

function story(id: string, sub: string, category: string, urgency: Case['urgency'], reported: string, dispatchDue: string, steps: Step[]): void {
  let c: Case = {
    id, version: 1, status: 'reported', previousStatus: null, source: 'hotline', externalRef: null, categoryCode: category, urgency,
    point: [121.37, 31.11], address: '', subdistrictCode: sub, communityCode: sub === XZ ? XZ_C : QB_C, reporter: null, description: '',
    attachments: [], owners: [], reportedAt: T(reported), registeredAt: null, dispatchedAt: null, acceptedAt: null, resolvedAt: null,
    closedAt: null, dispatchDue: T(dispatchDue), handlingDue: null, dueSoonAt: null, overdueAt: null, mergedInto: null, updatedAt: T(reported),
  };
  const emit = (type: string, at: number, detail: Record<string, unknown> = {}) => {
    events.push({ seq: ++seq, at, type, entity: 'case', id, data: { state: c, by: 'u', commandId: null, detail } });
  };
  emit('case.reported', T(reported));
  for (const step of steps) {
    const at = T(step[1]);
    const prev = c;
    c = { ...c, version: c.version + 1, updatedAt: at };
    const detail: Record<string, unknown> = {};
    switch (step[0]) {
      case 'register': Object.assign(c, { status: 'registered', registeredAt: at }); break;
      case 'reject': c.status = 'rejected'; break;
      case 'merge': Object.assign(c, { status: 'rejected', mergedInto: 'C01' }); break;
      case 'dispatch': Object.assign(c, { status: 'dispatched', owners: step[2], dispatchedAt: at, handlingDue: T(step[3]) }); break;
      case 'accept': Object.assign(c, { status: 'accepted', acceptedAt: at }); break;
      case 'return':
        Object.assign(c, { status: 'returned', owners: [], handlingDue: null, dispatchDue: T(step[3]) });
        Object.assign(detail, { department: step[2], formerOwners: prev.owners });
        break;
      case 'resolve': Object.assign(c, { status: 'resolved', resolvedAt: at }); break;
      case 'reopen': Object.assign(c, { status: 'reopened', resolvedAt: null }); break;
      case 'close': Object.assign(c, { status: 'closed', closedAt: at }); break;
      case 'suspend': Object.assign(c, { status: 'suspended', previousStatus: prev.status, handlingDue: T(step[2]) }); break;
      case 'resume': Object.assign(c, { status: prev.previousStatus, previousStatus: null }); break;
    }
    const type = { register: 'case.registered', reject: 'case.rejected', merge: 'case.merged', dispatch: 'case.dispatched', accept: 'case.accepted', return: 'case.returned', resolve: 'case.resolved', reopen: 'case.reopened', close: 'case.closed', suspend: 'case.suspended', resume: 'case.resumed' }[step[0]];
    emit(type, at, detail);
  }
}

// 莘庄镇 — greening (06010 暴露垃圾: dispatch 30 min natural, handling 4 working hours)
story('C01', XZ, '06010', 'normal', '09-28T09:00', '09-28T09:30', [['register', '09-28T09:05'], ['dispatch', '09-28T09:10', ['greening'], '09-28T14:10'], ['accept', '09-28T09:40'], ['resolve', '09-28T11:10'], ['close', '09-28T12:10']]);
// dispatched late (16:00 > 15:50); handling 1.5 h on Sep 30 + 2.5 h on Oct 8 after National Day
story('C02', XZ, '06010', 'normal', '09-30T15:20', '09-30T15:50', [['register', '09-30T15:25'], ['dispatch', '09-30T16:00', ['greening'], '10-08T11:00'], ['accept', '09-30T16:30'], ['resolve', '10-08T10:30'], ['close', '10-08T14:00']]);
// dispatched exactly at its deadline (on time); 1 h on Thu Sep 24, Mid-Autumn Sep 25–27, 3 h on Sep 28; resolved late
story('C03', XZ, '06010', 'normal', '09-24T16:00', '09-24T16:30', [['register', '09-24T16:10'], ['dispatch', '09-24T16:30', ['greening'], '09-28T11:30'], ['accept', '09-24T17:00'], ['resolve', '09-28T14:00'], ['close', '09-28T15:00']]);
// 0.5 h on Fri Sep 18, then the make-up Sunday Sep 20 08:30–12:00; reworked, final resolution late
story('C04', XZ, '06010', 'normal', '09-18T16:40', '09-18T17:10', [['register', '09-18T16:45'], ['dispatch', '09-18T17:00', ['greening'], '09-20T12:00'], ['accept', '09-18T17:20'], ['resolve', '09-20T11:50'], ['reopen', '09-20T14:00'], ['resolve', '09-21T10:00'], ['close', '09-21T11:00']]);
// dispatched late; 2.5 h on Fri Oct 9 + 1.5 h on the make-up Saturday Oct 10; resolved, not closed
story('C05', XZ, '06010', 'normal', '10-09T14:00', '10-09T14:30', [['register', '10-09T14:10'], ['dispatch', '10-09T15:00', ['greening'], '10-10T10:00'], ['accept', '10-09T15:30'], ['resolve', '10-10T09:50']]);
// accepted, never resolved: overdue now
story('C06', XZ, '06010', 'normal', '10-09T16:00', '10-09T16:30', [['register', '10-09T16:05'], ['dispatch', '10-09T16:10', ['greening'], '10-10T11:10'], ['accept', '10-10T08:40']]);
// greening returns it; re-dispatched to enforcement against a fresh 30-min dispatch deadline
story('C07', XZ, '06010', 'normal', '09-29T10:00', '09-29T10:30', [['register', '09-29T10:05'], ['dispatch', '09-29T10:10', ['greening'], '09-29T15:10'], ['return', '09-29T11:00', 'greening', '09-29T11:30'], ['dispatch', '09-29T11:20', ['enforcement'], '09-29T16:20'], ['accept', '09-29T11:50'], ['resolve', '09-29T15:00'], ['close', '09-29T16:00']]);
// extended by 8 working hours: Oct 8 10:10 → Oct 9 10:10; resolved within the extension
story('C08', XZ, '06010', 'normal', '09-30T15:00', '09-30T15:30', [['register', '09-30T15:05'], ['dispatch', '09-30T15:10', ['greening'], '10-08T10:10'], ['accept', '09-30T15:30'], ['suspend', '10-08T09:00', '10-09T10:10'], ['resume', '10-08T15:00'], ['resolve', '10-09T10:00'], ['close', '10-09T11:00']]);
// everything before the period but its closure
story('C11', XZ, '06010', 'normal', '09-10T10:00', '09-10T10:30', [['register', '09-10T10:05'], ['dispatch', '09-10T10:10', ['greening'], '09-10T15:10'], ['accept', '09-10T10:30'], ['resolve', '09-10T14:00'], ['close', '09-14T09:00']]);
// 莘庄镇 — enforcement (09006 占道经营: 4 working hours)
story('C12', XZ, '09006', 'normal', '09-15T09:00', '09-15T09:30', [['register', '09-15T09:02'], ['dispatch', '09-15T09:20', ['enforcement'], '09-15T14:20'], ['accept', '09-15T09:25'], ['resolve', '09-15T11:00'], ['close', '09-15T11:30']]);
story('C13', XZ, '09006', 'normal', '09-16T10:00', '09-16T10:30', [['register', '09-16T10:10'], ['dispatch', '09-16T10:50', ['enforcement'], '09-16T15:50'], ['accept', '09-16T14:00'], ['resolve', '09-16T16:00'], ['close', '09-16T16:30']]);
// 06001 私搭乱建 high (4 working hours) on the make-up Saturday; verification fails: reopened and overdue
story('C16', XZ, '06001', 'high', '10-10T09:00', '10-10T09:30', [['register', '10-10T09:05'], ['dispatch', '10-10T09:20', ['enforcement'], '10-10T14:20'], ['accept', '10-10T09:40'], ['resolve', '10-10T14:00'], ['reopen', '10-10T16:00']]);
// 莘庄镇 — housing (91001 群租: 40 working hours). Returned by housing, re-dispatched (late) to housing again
story('C19', XZ, '91001', 'normal', '09-22T09:00', '09-22T09:30', [['register', '09-22T09:05'], ['dispatch', '09-22T09:10', ['housing'], '09-30T09:10'], ['return', '09-22T10:00', 'housing', '09-22T10:30'], ['dispatch', '09-22T10:40', ['housing'], '09-30T10:40'], ['accept', '09-22T11:00'], ['resolve', '09-29T16:00'], ['close', '09-30T09:00']]);
// dispatched before the period (Sep 9), due Sep 16 09:10 (weekend Sep 12–13 skipped), resolved and closed in it
story('C30', XZ, '91001', 'normal', '09-09T09:00', '09-09T09:30', [['register', '09-09T09:05'], ['dispatch', '09-09T09:10', ['housing'], '09-16T09:10'], ['accept', '09-09T10:00'], ['resolve', '09-16T09:00'], ['close', '09-16T10:00']]);
// 莘庄镇 — hotline (94001 咨询: 8 working hours). Dispatched late on Sunday Oct 11: due Mon Oct 12 17:30
story('C20', XZ, '94001', 'normal', '10-11T09:00', '10-11T09:30', [['register', '10-11T09:10'], ['dispatch', '10-11T10:00', ['hotline'], '10-12T17:30'], ['accept', '10-11T10:30']]);
// 莘庄镇 — water (90001 道路积水 urgent: dispatch 10 min, handling 1 h, natural time) on a holiday night
story('C22', XZ, '90001', 'urgent', '10-03T22:00', '10-03T22:10', [['register', '10-03T22:03'], ['dispatch', '10-03T22:08', ['water'], '10-03T23:08'], ['accept', '10-03T22:15'], ['resolve', '10-03T23:00'], ['close', '10-03T23:30']]);
// joint dispatch to greening and enforcement
story('C24', XZ, '06010', 'normal', '09-17T09:00', '09-17T09:30', [['register', '09-17T09:05'], ['dispatch', '09-17T09:10', ['greening', 'enforcement'], '09-17T14:10'], ['accept', '09-17T09:30'], ['resolve', '09-17T13:00'], ['close', '09-17T13:30']]);
story('C25', XZ, '06010', 'normal', '09-20T10:00', '09-20T10:30', [['reject', '09-20T10:05']]);
story('C26', XZ, '06010', 'normal', '09-28T09:10', '09-28T09:40', [['merge', '09-28T09:15']]);
// reported after the period, not yet dispatched, dispatch deadline 12:20 > now: not overdue
story('C28', XZ, '94001', 'normal', '10-12T11:50', '10-12T12:20', [['register', '10-12T11:55']]);

// 七宝镇
// 06012 道路不洁 (2 working hours) dispatched on Sat Sep 26 (Mid-Autumn): due Mon Sep 28 10:30; resolved late
story('C09', QB, '06012', 'normal', '09-26T08:40', '09-26T09:10', [['register', '09-26T08:45'], ['dispatch', '09-26T09:00', ['greening'], '09-28T10:30'], ['accept', '09-28T08:35'], ['resolve', '09-28T10:45'], ['close', '09-28T11:00']]);
// 06010 high (2 working hours) dispatched on Sunday Oct 11: due Mon Oct 12 10:30; resolved after the period
story('C10', QB, '06010', 'high', '10-11T10:00', '10-11T10:30', [['register', '10-11T10:05'], ['dispatch', '10-11T10:10', ['greening'], '10-12T10:30'], ['accept', '10-11T11:00'], ['resolve', '10-12T09:00']]);
// dispatched on a National Day holiday: due Oct 8 08:30 + 4 h = 13:30; never accepted: overdue
story('C14', QB, '09006', 'normal', '10-02T10:00', '10-02T10:30', [['register', '10-02T10:05'], ['dispatch', '10-02T10:15', ['enforcement'], '10-08T13:30']]);
// returned and never re-dispatched: the center's fresh dispatch deadline (10:30) has passed
story('C15', QB, '09006', 'normal', '10-09T09:00', '10-09T09:30', [['register', '10-09T09:05'], ['dispatch', '10-09T09:10', ['enforcement'], '10-09T14:10'], ['return', '10-09T10:00', 'enforcement', '10-09T10:30']]);
// dispatched exactly at its deadline; 40 h: Sep 28–30, Oct 8–9, then 1.5 h on the make-up Saturday Oct 10
story('C17', QB, '91001', 'normal', '09-28T09:30', '09-28T10:00', [['register', '09-28T09:40'], ['dispatch', '09-28T10:00', ['housing'], '10-10T10:00'], ['accept', '09-28T14:00'], ['resolve', '10-09T16:00'], ['close', '10-09T17:00']]);
// due Oct 12 14:20, extended by 16 working hours to Oct 14 14:20; still suspended
story('C18', QB, '91001', 'normal', '09-29T14:00', '09-29T14:30', [['register', '09-29T14:10'], ['dispatch', '09-29T14:20', ['housing'], '10-12T14:20'], ['accept', '09-30T09:00'], ['suspend', '10-09T10:00', '10-14T14:20']]);
story('C21', QB, '94001', 'normal', '09-21T09:00', '09-21T09:30', [['register', '09-21T09:05'], ['dispatch', '09-21T09:10', ['hotline'], '09-22T09:10'], ['accept', '09-21T09:20'], ['resolve', '09-22T09:00'], ['close', '09-22T10:00']]);
// dispatched late (22:45 > 22:40), resolved late (00:10 > 23:45)
story('C23', QB, '90001', 'urgent', '10-03T22:30', '10-03T22:40', [['register', '10-03T22:35'], ['dispatch', '10-03T22:45', ['water'], '10-03T23:45'], ['accept', '10-03T22:50'], ['resolve', '10-04T00:10'], ['close', '10-04T08:00']]);
// reported, never registered: its dispatch deadline passed, overdue at the center
story('C27', QB, '06010', 'normal', '10-11T11:00', '10-11T11:30', []);
// all before the period
story('C29', QB, '06010', 'normal', '09-01T10:00', '09-01T10:30', [['register', '09-01T10:05'], ['dispatch', '09-01T10:10', ['greening'], '09-01T15:10'], ['accept', '09-01T10:20'], ['resolve', '09-01T11:00'], ['close', '09-01T11:30']]);

function foldAll(list: readonly HubEvent[]): CaseFact[] {
  const byCase = new Map<string, CaseFact[]>();
  for (const e of [...list].sort((a, b) => a.seq - b.seq)) {
    byCase.set(e.id, foldCaseEvent(byCase.get(e.id) ?? [], { seq: e.seq, at: e.at, type: e.type, state: e.data.state as Case, detail: e.data.detail }));
  }
  return [...byCase.values()].flat();
}

// ───────── expected, by hand ─────────

type Counts = Partial<Record<CountMetric | 'overdueNow', number>>;
const ZERO: Record<CountMetric | 'overdueNow', number> = {
  received: 0, registered: 0, dispatched: 0, dispatchedOnTime: 0, accepted: 0, acceptedOnTime: 0, resolved: 0, resolvedOnTime: 0, closed: 0,
  returned: 0, reopened: 0, extended: 0, submitted: 0, due: 0, dueClosed: 0, dueClosedOnTime: 0, overdueNow: 0,
};
const counts = (c: Counts) => ({ ...ZERO, ...c });

const EXPECTED_SUBDISTRICT: Record<string, Counts> = {
  // received: 17 (all but C11, C28, C30); registered: less the rejected C25 and merged C26
  [XZ]: {
    received: 17, registered: 15, dispatched: 15, dispatchedOnTime: 11 /* late: C02 C05 C13 C20 */, accepted: 15, acceptedOnTime: 15,
    resolved: 13 /* C01–05 C07 C08 C12 C13 C19 C22 C24 C30 */, resolvedOnTime: 10 /* late: C03 C04 C13 */,
    closed: 13 /* C01–04 C07 C08 C11 C12 C13 C19 C22 C24 C30 */, returned: 2 /* C07 C19 */, reopened: 2 /* C04 C16 */, extended: 1 /* C08 */,
    submitted: 13, due: 15, dueClosed: 12 /* not C05 C06 C16 */, dueClosedOnTime: 9, overdueNow: 2 /* C06 C16 */,
  },
  [QB]: {
    received: 9, registered: 8, dispatched: 8, dispatchedOnTime: 7 /* late: C23 */, accepted: 6, acceptedOnTime: 6,
    resolved: 4 /* C09 C17 C21 C23 */, resolvedOnTime: 2, closed: 4, returned: 1 /* C15 */, reopened: 0, extended: 1 /* C18 */,
    submitted: 5, due: 5 /* C09 C14 C17 C21 C23 */, dueClosed: 4, dueClosedOnTime: 2 /* C17 C21 */, overdueNow: 3 /* C14 C15 C27 */,
  },
};

const EXPECTED_DEPARTMENT: Record<string, Counts> = {
  greening: {
    received: 11, registered: 11, dispatched: 11, dispatchedOnTime: 9, accepted: 10 /* not C07: returned before */, acceptedOnTime: 10,
    resolved: 8, resolvedOnTime: 5, closed: 8 /* incl. C11 */, returned: 1, reopened: 1, extended: 1, submitted: 9,
    due: 9, dueClosed: 7, dueClosedOnTime: 4 /* C01 C02 C08 C24 */, overdueNow: 1 /* C06 */,
  },
  enforcement: {
    received: 7, registered: 7, dispatched: 7, dispatchedOnTime: 6 /* C07 re-dispatch 11:20 ≤ 11:30; late C13 */, accepted: 5, acceptedOnTime: 5,
    resolved: 4, resolvedOnTime: 3, closed: 4, returned: 1 /* C15 */, reopened: 1 /* C16 */, extended: 0, submitted: 5,
    due: 6 /* C07 C12 C13 C14 C16 C24 */, dueClosed: 4, dueClosedOnTime: 3, overdueNow: 2 /* C14 C16 */,
  },
  housing: {
    received: 3, registered: 3, dispatched: 3, dispatchedOnTime: 3 /* C19's first dispatch to housing was in time */, accepted: 3, acceptedOnTime: 3,
    resolved: 3 /* C17 C19 C30 */, resolvedOnTime: 3, closed: 3, returned: 1 /* C19 */, reopened: 0, extended: 1 /* C18 */, submitted: 2,
    due: 3, dueClosed: 3, dueClosedOnTime: 3, overdueNow: 0,
  },
  hotline: {
    received: 2, registered: 2, dispatched: 2, dispatchedOnTime: 1, accepted: 2, acceptedOnTime: 2, resolved: 1, resolvedOnTime: 1, closed: 1,
    submitted: 1, due: 1, dueClosed: 1, dueClosedOnTime: 1,
  },
  water: {
    received: 2, registered: 2, dispatched: 2, dispatchedOnTime: 1, accepted: 2, acceptedOnTime: 2, resolved: 2, resolvedOnTime: 1, closed: 2,
    submitted: 2, due: 2, dueClosed: 2, dueClosedOnTime: 1,
  },
};

/** 60 × on-time closure + 20 × closure + 10 × (1 − return) + 10 × (1 − rework). */
const EXPECTED_SCORE: Record<string, number> = {
  [XZ]: 60 * (9 / 15) + 20 * (12 / 15) + 10 * (1 - 2 / 15) + 10 * (1 - 2 / 13),
  [QB]: 60 * (2 / 5) + 20 * (4 / 5) + 10 * (1 - 1 / 8) + 10 * (1 - 0 / 5),
  greening: 60 * (4 / 9) + 20 * (7 / 9) + 10 * (1 - 1 / 11) + 10 * (1 - 1 / 9),
  enforcement: 60 * (3 / 6) + 20 * (4 / 6) + 10 * (1 - 1 / 7) + 10 * (1 - 1 / 5),
  housing: 60 * 1 + 20 * 1 + 10 * (1 - 1 / 3) + 10 * 1,
  hotline: 100,
  water: 60 * (1 / 2) + 20 + 10 + 10,
};

/** n, mean (0.1 min), p90 (bucket edge, min) per stage, from the stage times listed in the comments. */
const EXPECTED_STAGES: Record<string, Figures['stages']> = {
  [XZ]: {
    // 2, 3, 5×9, 10×4 → Σ 90; rank 14 of 15 → 10
    register: { n: 15, meanMinutes: 6, p90Minutes: 10 },
    // 5×7, 15×2, 18, 20, 35, 40, 50×2 → Σ 278 / 15 = 18.53; rank 14 → 50
    dispatch: { n: 15, meanMinutes: 18.5, p90Minutes: 50 },
    // 5, 7, 20×4, 30×5, 100 (C07: first dispatch → accept), 110 (C19), 190 (C13), 990 (C06, overnight) → Σ 1632; rank 14 → 190
    accept: { n: 15, meanMinutes: 108.8, p90Minutes: 190 },
    // 45, 90, 95, 120, 190, 210, 1100, 3880, 5580, 10020, 10380, 11160, 12630 → Σ 55500 / 13; rank 12 → 11160 (6-h bucket edge)
    resolve: { n: 13, meanMinutes: 4269.2, p90Minutes: 11160 },
    // 30×4, 60×6, 210, 1020, 5460 (C11: resolved Sep 10, closed Sep 14) → Σ 7170 / 13; rank 12 → 1020
    close: { n: 13, meanMinutes: 551.5, p90Minutes: 1020 },
  },
  [QB]: {
    register: { n: 8, meanMinutes: 6.3, p90Minutes: 10 }, // 5×6, 10×2 → 6.25
    dispatch: { n: 8, meanMinutes: 10, p90Minutes: 20 }, // 15, 5, 10, 5, 20, 10, 5, 10
    accept: { n: 6, meanMinutes: 713.3, p90Minutes: 2880 }, // 2855 (C09, over the holiday: bucket 30 min → 2880), 50, 240, 1120, 10, 5
    resolve: { n: 4, meanMinutes: 4397.5, p90Minutes: 16200 }, // 130, 15960 (→ 6-h bucket 16200), 1420, 80
    close: { n: 4, meanMinutes: 151.3, p90Minutes: 470 }, // 15, 60, 60, 470
  },
};

// ───────── tests ─────────

describe('hand-worked deadlines agree with the hub rules (calendar, catalog)', () => {
  const rules = loadRules();
  it.each([
    // category, urgency, dispatched at, handling due (by hand)
    ['06010', 'normal', '09-30T16:00', '10-08T11:00'], // National Day skipped
    ['06010', 'normal', '09-24T16:30', '09-28T11:30'], // Mid-Autumn skipped
    ['06010', 'normal', '09-18T17:00', '09-20T12:00'], // make-up Sunday; a limit ending at 12:00 stays 12:00
    ['06010', 'normal', '10-09T15:00', '10-10T10:00'], // make-up Saturday
    ['06010', 'normal', '10-09T16:10', '10-10T11:10'],
    ['06010', 'normal', '09-29T10:10', '09-29T15:10'],
    ['06010', 'normal', '09-29T11:20', '09-29T16:20'],
    ['06010', 'normal', '09-30T15:10', '10-08T10:10'],
    ['06010', 'normal', '09-17T09:10', '09-17T14:10'],
    ['06010', 'high', '10-11T10:10', '10-12T10:30'], // Sunday → Monday morning
    ['06012', 'normal', '09-26T09:00', '09-28T10:30'], // holiday Saturday
    ['09006', 'normal', '10-02T10:15', '10-08T13:30'],
    ['09006', 'normal', '09-16T10:50', '09-16T15:50'],
    ['06001', 'high', '10-10T09:20', '10-10T14:20'],
    ['91001', 'normal', '09-28T10:00', '10-10T10:00'], // 40 h across National Day
    ['91001', 'normal', '09-29T14:20', '10-12T14:20'],
    ['91001', 'normal', '09-22T10:40', '09-30T10:40'], // across Mid-Autumn
    ['91001', 'normal', '09-09T09:10', '09-16T09:10'], // across a weekend
    ['94001', 'normal', '10-11T10:00', '10-12T17:30'],
    ['94001', 'normal', '09-21T09:10', '09-22T09:10'],
    ['90001', 'urgent', '10-03T22:45', '10-03T23:45'], // natural hours, holiday night
  ] as const)('%s %s dispatched %s → due %s', (cat, urg, at, due) => {
    expect(new Date(rules.handlingDue(cat, urg, T(at))).toISOString()).toBe(new Date(T(due)).toISOString());
  });
  it.each([
    ['06010', 'normal', '10-08T10:10', 8, '10-09T10:10'],
    ['91001', 'normal', '10-12T14:20', 16, '10-14T14:20'],
  ] as const)('%s extension from %s by %i h → %s', (cat, urg, from, hours, due) => {
    expect(rules.extend(cat, urg, T(from), hours)).toBe(T(due));
  });
  it('dispatch deadlines are 30 min (10 min urgent) of natural time from the report', () => {
    expect(rules.dispatchDue('06010', 'normal', T('09-26T08:40'))).toBe(T('09-26T09:10'));
    expect(rules.dispatchDue('90001', 'urgent', T('10-03T22:30'))).toBe(T('10-03T22:40'));
  });
});

describe('figures from the definitions (shared/domain/assessment.ts)', () => {
  const facts = foldAll(events);

  it('has one case row per case and one row per department ever dispatched to', () => {
    expect(facts.filter((f) => f.dept === '')).toHaveLength(30);
    expect(facts.filter((f) => f.caseId === 'C07').map((f) => `${f.dept}:${f.owner}:${f.returned}`).sort()).toEqual([':true:true', 'enforcement:true:false', 'greening:false:true']);
    expect(facts.filter((f) => f.caseId === 'C24' && f.dept).map((f) => f.dept).sort()).toEqual(['enforcement', 'greening']);
  });

  it('per subdistrict: counts, rates, stage times and score by hand', () => {
    const r = assess(facts, { from: FROM, to: TO, now: NOW, groupBy: 'subdistrict' });
    expect([...r.keys()].sort()).toEqual([XZ, QB]);
    for (const [sub, want] of Object.entries(EXPECTED_SUBDISTRICT)) {
      const f = r.get(sub)!;
      expect(f.counts, sub).toEqual(counts(want));
      expect(f.stages, sub).toEqual(EXPECTED_STAGES[sub]);
      expect(f.score, sub).toBeCloseTo(EXPECTED_SCORE[sub]!, 10);
    }
    const xz = r.get(XZ)!.rates;
    expect(xz).toEqual({ dispatchOnTime: 11 / 15, acceptOnTime: 1, resolveOnTime: 10 / 13, return: 2 / 15, rework: 2 / 13, extension: 1 / 15, closure: 12 / 15, onTimeClosure: 9 / 15 });
    expect(r.get(QB)!.rates).toEqual({ dispatchOnTime: 7 / 8, acceptOnTime: 1, resolveOnTime: 2 / 4, return: 1 / 8, rework: 0, extension: 1 / 8, closure: 4 / 5, onTimeClosure: 2 / 5 });
    expect(r.get(XZ)!.score).toBeCloseTo(69.1282, 4);
    expect(r.get(QB)!.score).toBe(58.75);
  });

  it('per department: counts and score by hand', () => {
    const r = assess(facts, { from: FROM, to: TO, now: NOW, groupBy: 'department' });
    expect([...r.keys()].sort()).toEqual(['enforcement', 'greening', 'hotline', 'housing', 'water']);
    for (const [dept, want] of Object.entries(EXPECTED_DEPARTMENT)) {
      expect(r.get(dept)!.counts, dept).toEqual(counts(want));
      expect(r.get(dept)!.score, dept).toBeCloseTo(EXPECTED_SCORE[dept]!, 10);
    }
    // enforcement's dispatch→accept: C07 from its own dispatch (11:20 → 11:50), C12 5, C13 190, C16 20, C24 20
    expect(r.get('enforcement')!.stages.accept).toEqual({ n: 5, meanMinutes: 53, p90Minutes: 190 });
    expect(r.get('housing')!.rates.rework).toBe(0);
    expect(r.get('water')!.rates.onTimeClosure).toBe(0.5);
  });

  it('a partial-day period counts only what happened inside it', () => {
    // [Oct 9 12:00, Oct 10 12:00): received C05 C06 C16; closed C17 (17:00; C08 closed 11:00 is before); due C05 C06 C17
    const r = assess(facts, { from: T('10-09T12:00'), to: T('10-10T12:00'), now: NOW, groupBy: 'subdistrict' });
    expect(r.get(XZ)!.counts).toMatchObject({ received: 3, closed: 0, due: 2, dueClosed: 0 });
    expect(r.get(QB)!.counts).toMatchObject({ received: 0, closed: 1, due: 1, dueClosed: 1, dueClosedOnTime: 1 });
  });

  it('weights come from configuration; an inapplicable term is left out and the rest scaled to 100', () => {
    const w = { ...DEFAULT_WEIGHTS, onTimeClosure: 0, closure: 0, noReturn: 1, noRework: 0 };
    const r = assess(facts, { from: FROM, to: TO, now: NOW, groupBy: 'subdistrict', weights: w });
    expect(r.get(QB)!.score).toBeCloseTo(100 * (1 - 1 / 8), 10);
    // a unit with nothing dispatched in the period has no applicable term: no score
    const quiet = assess(facts, { from: T('09-01T00:00'), to: T('09-02T00:00'), now: NOW, groupBy: 'subdistrict' });
    expect(quiet.get(QB)!.counts.received).toBe(1);
    expect(quiet.get(QB)!.score).toBe(60 * 1 + 20 * 1 + 10 + 10);
  });
});

describe('the hub store gives the same figures (rollups, partial days, rebuild)', () => {
  let dir: string;
  let core: HubCore;
  let store: StatsStore;
  let queries: StatsQueries;
  const facts = foldAll(events);

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assessment-'));
    core = new HubCore(path.join(dir, 'hub.sqlite'), loadRules(), { sessionTtlMs: 1e6, maxFailedLogins: 5, lockoutMs: 1 }, () => NOW);
    store = new StatsStore(core);
    store.start();
    // In bursts of 7 events, so the rollups are kept by difference many times over.
    for (let i = 0; i < events.length; i += 7) store.applyEvents(events.slice(i, i + 7));
    queries = new StatsQueries(core.db, loadNames(), DEFAULT_WEIGHTS, () => NOW);
  });
  afterAll(() => {
    store.stop();
    core.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const asMap = (r: AssessmentResult) => new Map(r.groups.map((g) => [g.key, g.figures]));
  const periods: Array<[string, number, number]> = [
    ['the hand-checked period (whole days)', FROM, TO],
    ['two whole months', T('09-01T00:00'), T('11-01T00:00')],
    ['months and days', T('08-20T00:00'), T('10-20T00:00')],
    ['partial days at both ends', T('09-30T12:00'), T('10-08T12:00')],
    ['less than a day', T('10-09T12:00'), T('10-10T12:00')],
    ['a month and partial days', T('08-31T18:00'), T('10-01T06:30')],
  ];

  it.each(periods)('%s', (_name, from, to) => {
    for (const groupBy of ['subdistrict', 'department'] as const) {
      const want = assess(facts, { from, to, now: NOW, groupBy });
      const got = asMap(queries.assessment({ from, to, groupBy, scope: null }));
      // Groups with nothing in the period are absent from both.
      for (const [k, f] of want) if (Object.values(f.counts).some((n) => n > 0)) expect(got.get(k), `${groupBy} ${k}`).toEqual(f);
      for (const [k, f] of got) expect(f, `${groupBy} ${k}`).toEqual(want.get(k));
    }
  });

  it('the store matches the hand-checked figures and the district total counts each case once', () => {
    const r = queries.assessment({ from: FROM, to: TO, groupBy: 'department', scope: null });
    expect(asMap(r).get('greening')!.counts).toEqual(counts(EXPECTED_DEPARTMENT.greening!));
    expect(r.total.counts).toEqual(counts({
      received: 26, registered: 23, dispatched: 23, dispatchedOnTime: 18, accepted: 21, acceptedOnTime: 21, resolved: 17, resolvedOnTime: 12,
      closed: 17, returned: 3, reopened: 2, extended: 2, submitted: 18, due: 20, dueClosed: 16, dueClosedOnTime: 11, overdueNow: 5,
    }));
    const all = queries.assessment({ from: T('09-01T00:00'), to: T('11-01T00:00'), groupBy: 'subdistrict', scope: null });
    expect(all.total.counts.received).toBe(30);
  });

  it('a scoped user sees only their subdistrict, in every grouping', () => {
    const r = queries.assessment({ from: FROM, to: TO, groupBy: 'department', scope: [QB] });
    const want = assess(facts.filter((f) => f.subdistrict === QB), { from: FROM, to: TO, now: NOW, groupBy: 'department' });
    expect(asMap(r)).toEqual(want);
    expect(r.total.counts).toEqual(counts(EXPECTED_SUBDISTRICT[QB]!));
    expect(queries.assessment({ from: FROM, to: TO, groupBy: 'subdistrict', scope: [QB] }).groups.map((g) => g.key)).toEqual([QB]);
  });

  it('drill-down returns exactly the cases behind a figure', () => {
    const dd = (figure: Parameters<StatsQueries['drilldown']>[0]['figure'], groupBy: 'department' | 'subdistrict', key: string | null) =>
      queries.drilldown({ figure, groupBy, key, from: FROM, to: TO, scope: null, limit: 100, offset: 0 });
    const ids = (r: ReturnType<typeof dd>) => r.items.map((i) => i.caseId).sort();
    expect(ids(dd('dueClosedOnTime', 'department', 'greening'))).toEqual(['C01', 'C02', 'C08', 'C24']);
    expect(ids(dd('returned', 'subdistrict', XZ))).toEqual(['C07', 'C19']);
    expect(ids(dd('dispatched', 'subdistrict', XZ)).filter((id) => !ids(dd('dispatchedOnTime', 'subdistrict', XZ)).includes(id))).toEqual(['C02', 'C05', 'C13', 'C20']);
    expect(ids(dd('overdueNow', 'subdistrict', null))).toEqual(['C06', 'C14', 'C15', 'C16', 'C27']);
    expect(ids(dd('overdueNow', 'department', null))).toEqual(['C06', 'C14', 'C16']);
    const slow = dd('stage.accept', 'subdistrict', XZ);
    expect(slow.total).toBe(15);
    expect(slow.items.find((i) => i.caseId === 'C06')!.minutes).toBe(990);
    for (const fig of ['received', 'closed', 'due', 'reopened', 'extended', 'resolvedOnTime'] as const) {
      for (const [k, want] of Object.entries(EXPECTED_SUBDISTRICT)) {
        const r = dd(fig, 'subdistrict', k);
        expect(r.items, `${fig} ${k}`).toHaveLength(want[fig] ?? 0);
        expect(r.total, `${fig} ${k}`).toBe(want[fig] ?? 0);
      }
    }
    // paging
    const page = queries.drilldown({ figure: 'received', groupBy: 'subdistrict', key: XZ, from: FROM, to: TO, scope: null, limit: 5, offset: 15 });
    expect(page).toMatchObject({ total: 17, offset: 15 });
    expect(page.items).toHaveLength(2);
  });

  it('rebuilding the rollups from the facts gives the rollups kept by difference', () => {
    const dump = () => ({
      r: core.db.prepare('SELECT * FROM stats_rollup ORDER BY dim, sub, grain, start, key').all(),
      d: core.db.prepare('SELECT * FROM stats_demand WHERE n <> 0 ORDER BY dim, sub, grain, start, key').all(),
    });
    const kept = dump();
    store.rebuildRollups();
    expect(dump()).toEqual(kept);
  });

  it('a hub started on the log alone rebuilds the same facts', () => {
    const dir2 = tmpDir('assessment-'); // removed when the file ends, pass or fail
    const file = path.join(dir2, 'hub.sqlite');
    const seed = new HubCore(file, loadRules(), { sessionTtlMs: 1e6, maxFailedLogins: 5, lockoutMs: 1 }, () => NOW);
    const ins = seed.db.prepare('INSERT INTO events (seq, at, type, entity, id, subdistrict, owners, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    seed.db.transaction(() => {
      for (const e of events) ins.run(e.seq, e.at, e.type, e.entity, e.id, (e.data.state as Case).subdistrictCode, '[]', JSON.stringify(e.data));
    })();
    seed.close();
    const core2 = new HubCore(file, loadRules(), { sessionTtlMs: 1e6, maxFailedLogins: 5, lockoutMs: 1 }, () => NOW);
    const store2 = new StatsStore(core2);
    expect(store2.start()).toBe('rebuilt');
    const q2 = new StatsQueries(core2.db, loadNames(), DEFAULT_WEIGHTS, () => NOW);
    expect(q2.assessment({ from: FROM, to: TO, groupBy: 'department', scope: null })).toEqual(queries.assessment({ from: FROM, to: TO, groupBy: 'department', scope: null }));
    const byKey = (db: HubCore['db']) => db.prepare('SELECT * FROM case_facts ORDER BY case_id, dept').all();
    expect(byKey(core2.db)).toEqual(byKey(core.db));
    store2.stop();
    core2.close();
  });
});
