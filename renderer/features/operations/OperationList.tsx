/**
 * `/operation` without an id: the operations (active first) to open, and for a coordinator the
 * activation of a plan at a level for chosen cases. Once the hub answers the activation, the
 * board of the new operation opens.
 */
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isOpen } from '../../../shared/domain/lifecycle';
import { RESPONSE_LEVELS, type ResponseLevel } from '../../../shared/domain/operations';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { selectAllCases, selectNow } from '../cases/selectors';
import { useNames } from '../district/useNames';
import { explainOperationError as explainError } from './explain';
import { formatSpan } from '../../i18n/format';
import { LevelBadge } from './Board';
import { areaAround, levelNumeral, taskCounts } from './model';
import { OperationOutbox } from './Outbox';
import { actorOf, may } from './permissions';
import { selectOperations } from './selectors';
import { sendOperationCommand } from './send';

export function OperationList({ onOpen }: { onOpen(id: string): void }) {
  const { t } = useTranslation();
  const names = useNames();
  const now = useAppSelector(selectNow);
  const operations = useAppSelector(selectOperations);
  const plans = useAppSelector((s) => s.district.summary?.plans ?? []);
  const user = useAppSelector((s) => s.session.user);
  const canActivate = may(actorOf(user), 'activate', null);
  const planName = (id: string) => {
    const p = plans.find((x) => x.id === id);
    return p ? (names.lang.startsWith('zh') ? p.name : p.nameEn) : id;
  };
  return (
    <div className="op-listpage" data-testid="op-listpage">
      <section className="op-card">
        <header><h2>{t('operation.list')}</h2></header>
        <ul className="op-oplist" data-testid="op-oplist">
          {operations.map((o) => {
            const c = taskCounts(o, now);
            return (
              <li key={o.id}>
                <button type="button" className={`op-opitem${o.status === 'active' ? '' : ' is-over'}`} data-testid="op-open" data-operation-id={o.id} onClick={() => onOpen(o.id)}>
                  <LevelBadge op={o} />
                  <b>{planName(o.planId)}</b>
                  <span className="muted">{o.id}</span>
                  <span>{o.status === 'active' ? formatSpan(now - o.activatedAt, (count) => t('countdown.days', { count })) : t('operation.status.stood_down')}</span>
                  <span className="muted">{t('operation.taskProgress', { done: c.done, total: c.total - c.cancelled })}</span>
                </button>
              </li>
            );
          })}
          {!operations.length && <li className="muted">{t('operation.none')}</li>}
        </ul>
      </section>
      {canActivate && <ActivateForm onActivated={onOpen} />}
    </div>
  );
}

function ActivateForm({ onActivated }: { onActivated(id: string): void }) {
  const { t } = useTranslation();
  const dispatch = useAppDispatch();
  const names = useNames();
  const plans = useAppSelector((s) => s.district.summary?.plans ?? []);
  const cases = useAppSelector(selectAllCases);
  const answers = useAppSelector((s) => s.outbox.answers);
  const [planId, setPlanId] = useState('');
  const [level, setLevel] = useState<ResponseLevel>(4);
  const [chosen, setChosen] = useState<string[]>([]);
  const [filter, setFilter] = useState('');
  const [note, setNote] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const plan = plans.find((p) => p.id === planId) ?? plans[0];

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

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!plan || !chosen.length) return;
    setError(null);
    const points = cases.filter((c) => chosen.includes(c.id)).map((c) => c.point);
    const area = areaAround(points);
    const r = await sendOperationCommand(dispatch, 'operation.activate', {
      planId: plan.id, level, caseIds: chosen, ...(area ? { area } : {}), ...(note.trim() ? { note: note.trim() } : {}),
    }, null);
    if ('error' in r) setError(explainError(t, r.error.code, r.error.message));
    else setSent(r.commandId);
  };

  if (!plans.length) return <section className="op-card"><p className="muted">{t('operation.noPlans')}</p></section>;
  return (
    <form className="op-card op-activate" onSubmit={submit} data-testid="op-activate">
      <header><h2>{t('operation.activate.title')}</h2></header>
      <div className="row">
        <label>{t('operation.activate.plan')}
          <select data-testid="op-activate-plan" value={plan?.id ?? ''} onChange={(e) => setPlanId(e.target.value)}>
            {plans.map((p) => <option key={p.id} value={p.id}>{names.lang.startsWith('zh') ? p.name : p.nameEn}</option>)}
          </select>
        </label>
        <label>{t('operation.form.level')}
          <select data-testid="op-activate-level" value={level} onChange={(e) => setLevel(Number(e.target.value) as ResponseLevel)}>
            {RESPONSE_LEVELS.map((l) => <option key={l} value={l}>{t('operation.levelName', { numeral: levelNumeral(l), color: t(`operation.color.${l}`) })}</option>)}
          </select>
        </label>
      </div>
      {plan && <p className="muted">{t('operation.activate.criteria')}{names.lang.startsWith('zh') ? plan.levels.find((l) => l.level === level)?.criteria.activate.zh : plan.levels.find((l) => l.level === level)?.criteria.activate.en}</p>}
      <label>{t('operation.activate.cases', { count: chosen.length })}
        <input data-testid="op-activate-filter" placeholder={t('operation.activate.filter')} value={filter} onChange={(e) => setFilter(e.target.value)} />
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
        {!candidates.length && <li className="muted">{t('operation.noCases')}</li>}
      </ul>
      <label>{t('operation.activate.note')}
        <textarea data-testid="op-activate-note" rows={2} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      {error && <div className="error" role="alert" data-testid="op-activate-error">{error}</div>}
      {sent && <div className="op-pending" data-testid="op-activate-pending">{t('operation.pending', { what: t('operation.command.activate') })}</div>}
      <OperationOutbox operationId={null} />
      <div className="buttons">
        <button type="submit" className="primary danger" data-testid="op-activate-submit" disabled={!chosen.length || !!sent}>{t('operation.activate.submit')}</button>
      </div>
    </form>
  );
}
