/**
 * `/operation` without an id: what an officer or a coordinator can do there, never an empty
 * half. On the left the operations in force (to open) and the latest stood-down ones with their
 * level, times and summary (opening one shows its board read-only, with its situation report);
 * on the right the response plans, and for a role that may activate, the activation of a plan at
 * a level for chosen cases. Once the hub answers the activation, the board of the new operation
 * opens. Every empty part says what to do.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isOpen } from '../../../shared/domain/lifecycle';
import { RESPONSE_LEVELS, tasksFor, type ResponseLevel } from '../../../shared/domain/operations';
import type { Operation } from '../../../shared/protocol/entities';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { selectAllCases, selectNow } from '../cases/selectors';
import { useNames } from '../district/useNames';
import { explainOperationError as explainError } from './explain';
import { formatDateTime, formatList, formatSpan } from '../../i18n/format';
import { asIs } from '../people/label';
import { usePeople } from '../people/usePeople';
import { LevelBadge } from './Board';
import { areaAround, LEVEL_HEX, levelNumeral, peakLevel, standDownOf, taskCounts } from './model';
import { OperationOutbox } from './Outbox';
import { actorOf, may } from './permissions';
import { PlanBook, type PlanChoice } from './PlanBook';
import { selectActiveOperations, selectStoodDownOperations } from './selectors';
import { sendOperationCommand } from './send';

/** How many stood-down operations the page lists before "show all". */
const LATEST = 6;

export function OperationList({ onOpen }: { onOpen(id: string): void }) {
  const { t } = useTranslation();
  const names = useNames();
  const now = useAppSelector(selectNow);
  const active = useAppSelector(selectActiveOperations);
  const stoodDown = useAppSelector(selectStoodDownOperations);
  const plans = useAppSelector((s) => s.district.summary?.plans ?? []);
  const levels = useAppSelector((s) => s.district.summary?.levels ?? []);
  const user = useAppSelector((s) => s.session.user);
  const canActivate = may(actorOf(user), 'activate', null);
  const [choice, setChoice] = useState<PlanChoice>({ planId: '', level: 4 });
  const [showAll, setShowAll] = useState(false);
  const [activating, setActivating] = useState(false);
  const activateButton = useRef<HTMLElement | null>(null);
  const planName = useCallback((id: string) => {
    const p = plans.find((x) => x.id === id);
    return p ? (names.lang.startsWith('zh') ? p.name : p.nameEn) : id;
  }, [plans, names.lang]);
  const shown = showAll ? stoodDown : stoodDown.slice(0, LATEST);
  const startActivation = () => {
    activateButton.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setActivating(true);
  };
  // Back where the coordinator was (the plan's activate button) when the dialog closes without an answer.
  const closeActivation = useCallback(() => {
    setActivating(false);
    requestAnimationFrame(() => activateButton.current?.focus());
  }, []);

  return (
    <div className="op-listpage" data-testid="op-listpage">
      <div className="op-listcol">
        <section className="op-card op-inforce" aria-labelledby="op-inforce-title" data-testid="op-inforce" data-count={active.length}>
          <header>
            <h2 id="op-inforce-title">{t('operation.home.inForce')}</h2>
            <span className="muted">{t('operation.home.count', { count: active.length })}</span>
          </header>
          {active.length > 0 ? (
            <ul className="op-oplist" data-testid="op-oplist">
              {active.map((o) => <InForceItem key={o.id} op={o} planName={planName(o.planId)} now={now} onOpen={onOpen} />)}
            </ul>
          ) : (
            <div className="op-none" data-testid="op-none">
              <b>{t('operation.home.noneInForce')}</b>
              <p className="op-hint" data-testid="op-none-hint">{t(canActivate ? 'operation.home.hintCoordinator' : 'operation.home.hintOfficer')}</p>
            </div>
          )}
          {canActivate && !activating && <OperationOutbox operationId={null} />}
        </section>

        <section className="op-card op-stooddown" aria-labelledby="op-stooddown-title" data-testid="op-stooddown" data-count={stoodDown.length}>
          <header>
            <h2 id="op-stooddown-title">{t('operation.home.stoodDown')}</h2>
            <span className="muted">{t('operation.home.count', { count: stoodDown.length })}</span>
          </header>
          {stoodDown.length > 0 ? (
            <ul className="op-oplist op-scroll" data-testid="op-stooddown-list">
              {shown.map((o) => <StoodDownItem key={o.id} op={o} planName={planName(o.planId)} onOpen={onOpen} />)}
            </ul>
          ) : (
            <p className="op-hint" data-testid="op-none-stooddown">{t('operation.home.noneStoodDown')}</p>
          )}
          {stoodDown.length > LATEST && (
            <button type="button" className="link op-more" data-testid="op-stooddown-more" aria-expanded={showAll} onClick={() => setShowAll(!showAll)}>
              {showAll ? t('operation.home.showLatest', { count: LATEST }) : t('operation.home.showAll', { count: stoodDown.length })}
            </button>
          )}
        </section>
      </div>

      <div className="op-listcol">
        <PlanBook plans={plans} levels={levels} choice={choice} onChoose={setChoice} canActivate={canActivate && plans.length > 0} onActivate={startActivation} />
      </div>
      {activating && canActivate && plans.length > 0 && <ActivateForm choice={choice} onChoose={setChoice} onClose={closeActivation} onActivated={onOpen} />}
    </div>
  );
}

/** One operation in force: its level, since when and by whom, how far its tasks are; opens its board. */
function InForceItem({ op, planName, now, onOpen }: { op: Operation; planName: string; now: number; onOpen(id: string): void }) {
  const { t } = useTranslation();
  const names = useNames();
  const people = usePeople();
  const c = taskCounts(op, now);
  return (
    <li>
      <button type="button" className="op-opitem op-over op-live" data-testid="op-open" data-operation-id={op.id} data-status={op.status} data-level={op.level}
        style={{ borderLeftColor: LEVEL_HEX[op.level] }} onClick={() => onOpen(op.id)}>
        <span className="op-over-head">
          <LevelBadge op={op} />
          <b className="ellipsis">{planName}</b>
          <span className="muted">{op.id}</span>
        </span>
        <span className="op-over-times">
          <span className="muted">{t('operation.activatedBy', { time: formatDateTime(op.activatedAt, names.lang), by: people.label(op.activatedBy, asIs) })}</span>
          <span>· {t('operation.clock')} <b className="op-live-clock">{formatSpan(now - op.activatedAt, (count) => t('countdown.days', { count }))}</b></span>
        </span>
        <span className="op-over-foot">
          <span>{t('operation.taskProgress', { done: c.done, total: c.total - c.cancelled })}</span>
          {c.overdue > 0 && <span className="op-overdue">{t('operation.overdueCount', { count: c.overdue })}</span>}
          <span className="spacer" />
          <span className="op-over-open">{t('operation.home.openBoard')} →</span>
        </span>
      </button>
    </li>
  );
}

/** One stood-down operation: its level (and the highest it reached), times, who stood it down, the summary; opens its board and report. */
function StoodDownItem({ op, planName, onOpen }: { op: Operation; planName: string; onOpen(id: string): void }) {
  const { t } = useTranslation();
  const names = useNames();
  const people = usePeople();
  const c = taskCounts(op, op.stoodDownAt ?? op.updatedAt);
  const peak = peakLevel(op);
  const end = standDownOf(op);
  const to = op.stoodDownAt ?? op.updatedAt;
  return (
    <li>
      <button type="button" className="op-opitem op-over" data-testid="op-open" data-operation-id={op.id} data-status={op.status} data-level={op.level} onClick={() => onOpen(op.id)}>
        <span className="op-over-head">
          <LevelBadge op={op} />
          <b className="ellipsis">{planName}</b>
          <span className="muted">{op.id}</span>
        </span>
        <span className="op-over-times" data-testid="op-over-times">
          {t('operation.home.times', { from: formatDateTime(op.activatedAt, names.lang), to: formatDateTime(to, names.lang), span: formatSpan(to - op.activatedAt, (count) => t('countdown.days', { count })) })}
          {peak < op.level && <span className="op-tag">{t('operation.home.peak', { numeral: levelNumeral(peak) })}</span>}
          {end.by && <span className="muted"> · {t('operation.home.standDownBy', { by: people.label(end.by, asIs) })}</span>}
          {end.overridden && <span className="op-required">{t('operation.home.overridden')}</span>}
        </span>
        <span className={`op-over-summary${op.summary ? '' : ' muted'}`} data-testid="op-over-summary">{op.summary || t('operation.home.noSummary')}</span>
        <span className="op-over-foot">
          <span className="muted">{t('operation.home.tasksAtEnd', { done: c.done, total: c.total, cancelled: c.cancelled })} · {t('operation.home.logCount', { count: op.log.length })}</span>
          <span className="spacer" />
          <span className="op-over-open">{t('operation.home.openReport')} →</span>
        </span>
      </button>
    </li>
  );
}

/**
 * The activation, as a dialog over the page (like the board's decisions): the plan and level
 * chosen in the plans (changeable here), what they create, the cases to link, a note. Esc or
 * Cancel closes it; the hub's answer opens the new board (a refusal shows in the outbox strip).
 */
function ActivateForm({ choice, onChoose, onClose, onActivated }: {
  choice: PlanChoice; onChoose(choice: PlanChoice): void; onClose(): void; onActivated(id: string): void;
}) {
  const { t } = useTranslation();
  const dispatch = useAppDispatch();
  const names = useNames();
  const plans = useAppSelector((s) => s.district.summary?.plans ?? []);
  const cases = useAppSelector(selectAllCases);
  const answers = useAppSelector((s) => s.outbox.answers);
  const level = choice.level;
  const [chosen, setChosen] = useState<string[]>([]);
  const [filter, setFilter] = useState('');
  const [note, setNote] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const plan = plans.find((p) => p.id === choice.planId) ?? plans[0];
  const zh = names.lang.startsWith('zh');
  const tasks = plan ? tasksFor(plan, level) : [];
  const departments = [...new Set(tasks.map((x) => x.department))];

  // The plan's own categories first: the cases that suggest it.
  const candidates = useMemo(() => {
    const codes = new Set(plan?.categoryCodes ?? []);
    const q = filter.trim();
    return cases.filter((c) => isOpen(c.status) && (!q || c.id.includes(q) || c.address.includes(q) || c.description.includes(q)))
      .sort((a, b) => Number(codes.has(b.categoryCode)) - Number(codes.has(a.categoryCode)) || b.reportedAt - a.reportedAt)
      .slice(0, 60);
  }, [cases, plan, filter]);

  // The hub's answer to our activation: open the new board (a refusal shows in the outbox strip below).
  const answer = sent ? answers.find((a) => a.commandId === sent) : undefined;
  useEffect(() => {
    if (!answer) return;
    if (answer.result.ok) onActivated(answer.result.entityId);
    setSent(null);
  }, [answer, onActivated]);

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (!plan || !chosen.length || sent) return;
    setError(null);
    const points = cases.filter((c) => chosen.includes(c.id)).map((c) => c.point);
    const area = areaAround(points);
    const r = await sendOperationCommand(dispatch, 'operation.activate', {
      planId: plan.id, level, caseIds: chosen, ...(area ? { area } : {}), ...(note.trim() ? { note: note.trim() } : {}),
    }, null);
    if ('error' in r) setError(explainError(t, r.error.code, r.error.message));
    else setSent(r.commandId);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') { e.preventDefault(); onClose(); }
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); void submit(); }
  };

  return (
    <div className="overlay" data-testid="op-dialog-overlay" onMouseDown={(e) => { if (e.target === e.currentTarget) onClose(); }}>
      <form className="dialog op-dialog op-activate" role="dialog" aria-modal="true" aria-labelledby="op-activate-title" onSubmit={submit} onKeyDown={onKeyDown} data-testid="op-activate">
        <h2 id="op-activate-title">{t('operation.activate.title')}</h2>
        <div className="row">
          <label>{t('operation.activate.plan')}
            <select data-testid="op-activate-plan" value={plan?.id ?? ''} onChange={(e) => onChoose({ planId: e.target.value, level })}>
              {plans.map((p) => <option key={p.id} value={p.id}>{zh ? p.name : p.nameEn}</option>)}
            </select>
          </label>
          <label>{t('operation.form.level')}
            <select data-testid="op-activate-level" value={level} onChange={(e) => onChoose({ planId: plan?.id ?? '', level: Number(e.target.value) as ResponseLevel })}>
              {RESPONSE_LEVELS.map((l) => <option key={l} value={l}>{t('operation.levelName', { numeral: levelNumeral(l), color: t(`operation.color.${l}`) })}</option>)}
            </select>
          </label>
        </div>
        {plan && <p className="muted">{t('operation.activate.criteria')}{zh ? plan.levels.find((l) => l.level === level)?.criteria.activate.zh : plan.levels.find((l) => l.level === level)?.criteria.activate.en}</p>}
        {plan && (
          <p className="op-hint" data-testid="op-activate-creates" data-count={tasks.length}>
            {t('operation.home.willCreate', { count: tasks.length, departments: departments.length, names: formatList(departments.map(names.department), names.lang) })}
          </p>
        )}
        <label>{t('operation.activate.cases', { count: chosen.length })}
          <input data-testid="op-activate-filter" autoFocus placeholder={t('operation.activate.filter')} value={filter} onChange={(e) => setFilter(e.target.value)} />
        </label>
        <ul className="op-list op-candidates">
          {candidates.map((c) => (
            <li key={c.id}>
              <label className="check">
                <input type="checkbox" data-testid="op-activate-case" data-case-id={c.id} checked={chosen.includes(c.id)}
                  onChange={(e) => setChosen(e.target.checked ? [...chosen, c.id] : chosen.filter((x) => x !== c.id))} />
                <b>{c.id}</b> <span className={`chip u-${c.urgency}`}>{t(`urgency.${c.urgency}`)}</span> {names.category(c.categoryCode)} <span className="muted">{c.address}</span>
              </label>
            </li>
          ))}
          {!candidates.length && <li className="op-hint" data-testid="op-activate-none">{t('operation.home.noCandidates')}</li>}
        </ul>
        <label>{t('operation.activate.note')}
          <textarea data-testid="op-activate-note" rows={2} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
        {error && <div className="error" role="alert" data-testid="op-activate-error">{error}</div>}
        {sent && <div className="op-pending" data-testid="op-activate-pending">{t('operation.pending', { what: t('operation.command.activate') })}</div>}
        <OperationOutbox operationId={null} />
        <div className="buttons">
          <button type="button" data-testid="op-activate-cancel" onClick={onClose}>{t('operation.form.cancel')}</button>
          <button type="submit" className="primary danger" data-testid="op-activate-submit" disabled={!chosen.length || !!sent}>
            {t('operation.activate.submit')} <kbd>Ctrl+Enter</kbd>
          </button>
        </div>
      </form>
    </div>
  );
}
