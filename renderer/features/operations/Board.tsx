/**
 * One operation on one screen, for the coordinator and the room: level and clock, tasks per
 * department with their deadlines, units, the area and its cases on the map, the command log
 * and the situation report. Actions are offered by role (shared/domain/operations decides).
 */
import { Suspense, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Feature } from 'geojson';
import type { Operation, OperationTask } from '../../../shared/protocol/entities';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { CountdownText } from '../cases/Countdown';
import { selectNow } from '../cases/selectors';
import { selectDepartments } from '../district/selectors';
import { districtData } from '../district/geo';
import { useNames } from '../district/useNames';
import { DistrictMap, type DistrictMapView } from '../map';
import { ErrorBoundary } from '../shell/ErrorBoundary';
import { formatSpan } from '../../i18n/format';
import { ActionDialog, type DialogKind } from './ActionDialog';
import { areaCenter, assignedUnits, levelNumeral, LEVEL_HEX, standDownOf, taskCounts, tasksByDepartment, taskTimeliness, readableLogText } from './model';
import { asIs } from '../people/label';
import { usePeople } from '../people/usePeople';
import { OperationOutbox } from './Outbox';
import { actorOf, may } from './permissions';
import { SituationReport, stampFormatter } from './Report';
import { selectCasesOfOperation } from './selectors';
import { sendOperationCommand } from './send';

export function LevelBadge({ op, large }: { op: Pick<Operation, 'level' | 'status'>; large?: boolean }) {
  const { t } = useTranslation();
  return (
    <span className={`op-level lv-${op.level}${large ? ' large' : ''}`} style={{ background: LEVEL_HEX[op.level] }} data-testid="op-level-badge" data-level={op.level}>
      {t('operation.levelName', { numeral: levelNumeral(op.level), color: t(`operation.color.${op.level}`) })}
    </span>
  );
}

export function Board({ op }: { op: Operation }) {
  const { t } = useTranslation();
  const names = useNames();
  const now = useAppSelector(selectNow);
  const user = useAppSelector((s) => s.session.user);
  const people = usePeople();
  const plans = useAppSelector((s) => s.district.summary?.plans ?? []);
  const units = useAppSelector((s) => s.units.entities);
  const allUnits = useAppSelector((s) => s.units);
  const cameras = useAppSelector((s) => s.cameras);
  const positions = useAppSelector((s) => s.positions);
  const loaded = useAppSelector((s) => s.district.summary !== null);
  const { linked, inArea } = useAppSelector((s) => selectCasesOfOperation(s, op.id));
  const [dialog, setDialog] = useState<DialogKind | null>(null);
  const [selectedCase, setSelectedCase] = useState<string | null>(null);
  const actor = actorOf(user);
  const active = op.status === 'active';
  const plan = plans.find((p) => p.id === op.planId);
  const planName = plan ? (names.lang.startsWith('zh') ? plan.name : plan.nameEn) : op.planId;
  const counts = taskCounts(op, now);
  const groups = tasksByDepartment(op, now);
  const stamp = useMemo(() => stampFormatter(names.lang), [names.lang]);
  const who = (id: string) => people.label(id, asIs);
  const departments = useAppSelector(selectDepartments);
  const readable = (text: string) => readableLogText(text, op, departments.keys(), names.department, names.lang);
  const elapsed = (op.stoodDownAt ?? now) - op.activatedAt;
  const cases = useMemo(() => [...linked, ...inArea], [linked, inArea]);
  const area = useMemo((): Feature | null => (op.area ? { type: 'Feature', properties: { id: op.id, level: op.level }, geometry: op.area } : null), [op.area, op.id, op.level]);
  const center = areaCenter(op.area) ?? linked[0]?.point ?? null;
  const [view, setView] = useState<DistrictMapView | null>(null);
  const [cx, cy] = center ?? [];
  // The area in view, close enough to tell streets (the map's own focus flies in to 14+).
  useEffect(() => {
    if (view && cx !== undefined && cy !== undefined) view.flyTo([cx, cy], 13.5);
  }, [view, cx, cy]);
  const unitList = useMemo(() => Object.values(allUnits.entities).filter((u) => !!u), [allUnits]);
  const cameraList = useMemo(() => Object.values(cameras.entities).filter((c) => !!c), [cameras]);
  const commands = active && may(actor, 'escalate', op);
  const ender = active ? null : standDownOf(op).by;

  return (
    <div className="op-board" data-testid="op-board" data-operation-id={op.id} data-level={op.level} data-status={op.status} data-version={op.version}>
      <section className={`op-headline lv-${op.level}`} style={{ borderColor: LEVEL_HEX[op.level] }}>
        <LevelBadge op={op} large />
        <div className="op-title">
          <h2 data-testid="op-plan">{planName}</h2>
          <div className="muted">
            <span data-testid="op-id">{op.id}</span> · {t('operation.activatedBy', { time: stamp(op.activatedAt), by: who(op.activatedBy) })}
          </div>
        </div>
        <div className="op-clock" data-testid="op-clock" aria-label={t('operation.clock')}>
          <span className="muted">{active ? t('operation.clock') : t('operation.status.stood_down')}</span>
          <b>{formatSpan(elapsed, (count) => t('countdown.days', { count }))}</b>
        </div>
        <div className="op-figures">
          <Figure label={t('operation.figure.tasks')} value={`${counts.done}/${counts.total - counts.cancelled}`} testId="op-fig-tasks" />
          <Figure label={t('operation.figure.overdue')} value={String(counts.overdue)} warn={counts.overdue > 0} testId="op-fig-overdue" />
          <Figure label={t('operation.figure.requiredOpen')} value={String(counts.requiredOpen)} testId="op-fig-required" />
          <Figure label={t('operation.figure.cases')} value={String(linked.length + inArea.length)} testId="op-fig-cases" />
        </div>
      </section>

      {commands && (
        <nav className="op-actions" aria-label={t('operation.actions')} data-testid="op-actions">
          <button type="button" className="danger" data-testid="op-escalate" disabled={op.level === 1} onClick={() => setDialog({ kind: 'escalate' })}>{t('operation.action.escalate')}</button>
          <button type="button" data-testid="op-deescalate" disabled={op.level === 4} onClick={() => setDialog({ kind: 'deescalate' })}>{t('operation.action.deescalate')}</button>
          <button type="button" data-testid="op-add-task" onClick={() => setDialog({ kind: 'addTask' })}>{t('operation.action.addTask')}</button>
          <button type="button" data-testid="op-add-log" onClick={() => setDialog({ kind: 'logEntry' })}>{t('operation.action.logEntry')}</button>
          <div className="spacer" />
          <button type="button" className="primary" data-testid="op-stand-down" onClick={() => setDialog({ kind: 'standDown' })}>{t('operation.action.standDown')}</button>
        </nav>
      )}
      {!active && (
        // Stood down: the board is the record, read-only (no command is offered), with its report beside the log.
        <div className="op-readonly" role="note" data-testid="op-readonly">
          <span>{t('operation.home.readOnly', { time: stamp(op.stoodDownAt ?? op.updatedAt), by: ender ? who(ender) : '—' })}</span>
          {op.summary && <div className="op-summary" data-testid="op-summary"><b>{t('operation.summary')}</b> {op.summary}</div>}
        </div>
      )}
      <OperationOutbox operationId={op.id} />

      <div className="op-grid">
        <section className="op-card op-tasks" aria-label={t('operation.tasks')} data-testid="op-tasks">
          <header><h2>{t('operation.tasks')}</h2><span className="muted">{t('operation.taskCounts', { ...counts })}</span></header>
          <div className="op-scroll">
            {groups.map((g) => (
              <div key={g.department} className="op-dept" data-testid="op-dept" data-department={g.department}>
                <h3>{names.department(g.department)} <span className="muted">{g.done}/{g.total}</span>{g.overdue > 0 && <span className="op-overdue">{t('operation.overdueCount', { count: g.overdue })}</span>}</h3>
                <ul>
                  {g.tasks.map((task) => (
                    <TaskRow key={task.id} op={op} task={task} now={now} lang={names.lang} unitName={(id) => units[id]?.name ?? id}
                      canTask={active && may(actor, 'acknowledgeTask', op, task)} canReassign={active && may(actor, 'reassign', op, task)} onDialog={setDialog} />
                  ))}
                </ul>
              </div>
            ))}
          </div>
        </section>

        <section className="op-card op-map" aria-label={t('operation.area')}>
          <header><h2>{t('operation.area')}</h2>{!op.area && <span className="muted">{t('operation.noArea')}</span>}</header>
          <div className="op-mapbox">
            <ErrorBoundary fallback={() => <div className="op-empty">{t('map.unavailable')}</div>}>
              <Suspense fallback={<div className="op-empty">{t('map.placeholder')}</div>}>
                <DistrictMap district={loaded ? districtData() : null} cases={cases} units={unitList} cameras={cameraList} positions={positions}
                  selectedCaseId={selectedCase} onSelectCase={setSelectedCase} onSelectUnit={() => {}} onSelectCamera={() => {}}
                  theme="night" variant="console" operationArea={area} onView={setView} lang={names.lang === 'en' ? 'en' : 'zh-CN'} showLegend={false} />
              </Suspense>
            </ErrorBoundary>
          </div>
          <div className="op-split">
            <div>
              <h3>{t('operation.cases', { count: cases.length })}</h3>
              <ul className="op-list" data-testid="op-cases">
                {cases.map((c) => (
                  <li key={c.id} className={c.id === selectedCase ? 'selected' : ''} data-testid="op-case" data-case-id={c.id} onClick={() => setSelectedCase(c.id)}>
                    <span className={`chip u-${c.urgency}`}>{t(`urgency.${c.urgency}`)}</span> <b>{c.id}</b> <span className="muted">{t(`status.${c.status}`)}</span>
                    {!op.caseIds.includes(c.id) && <span className="muted"> · {t('operation.inArea')}</span>}
                    <div className="muted ellipsis">{c.address} {names.category(c.categoryCode)}</div>
                  </li>
                ))}
                {!cases.length && <li className="muted">{t('operation.noCases')}</li>}
              </ul>
            </div>
            <div>
              <h3>{t('operation.units')}</h3>
              <ul className="op-list" data-testid="op-units">
                {assignedUnits(op).map((u) => (
                  <li key={u.unitId} data-testid="op-unit" data-unit-id={u.unitId}><b>{units[u.unitId]?.name ?? u.unitId}</b><div className="muted ellipsis">{u.taskIds.join(', ')}</div></li>
                ))}
                {!assignedUnits(op).length && <li className="muted">{t('operation.noUnits')}</li>}
              </ul>
            </div>
          </div>
        </section>

        <div className="op-side">
          <section className="op-card op-log" aria-label={t('operation.log')} data-testid="op-log">
            <header><h2>{t('operation.log')}</h2><span className="muted">{t('operation.logCount', { count: op.log.length })}</span></header>
            <ol className="op-scroll" reversed>
              {[...op.log].reverse().map((e, i) => (
                <li key={`${e.at}-${i}`} data-testid="op-log-entry" data-kind={e.kind} className={`k-${e.kind}`}>
                  <div className="op-log-head">
                    <time>{stamp(e.at)}</time>
                    <span className="op-log-level" style={{ color: LEVEL_HEX[e.level] }}>{levelNumeral(e.level)}</span>
                    <span className="op-log-kind">{t(`operation.logKind.${e.kind}`)}</span>
                    <span className="muted" title={people.title(e.by)}>{who(e.by)}</span>
                  </div>
                  <div title={e.text}>{readable(e.text)}</div>
                </li>
              ))}
            </ol>
          </section>
          <SituationReport op={op} cases={cases} planName={planName} />
        </div>
      </div>
      {dialog && <ActionDialog op={op} dialog={dialog} onClose={() => setDialog(null)} />}
    </div>
  );
}

function Figure({ label, value, warn, testId }: { label: string; value: string; warn?: boolean; testId: string }) {
  return <div className={`op-figure${warn ? ' warn' : ''}`} data-testid={testId}><b>{value}</b><span>{label}</span></div>;
}

function TaskRow({ op, task, now, lang, unitName, canTask, canReassign, onDialog }: {
  op: Operation; task: OperationTask; now: number; lang: string; unitName(id: string): string;
  canTask: boolean; canReassign: boolean; onDialog(d: DialogKind): void;
}) {
  const { t } = useTranslation();
  const dispatch = useAppDispatch();
  const state = taskTimeliness(task, now);
  const open = task.status === 'open' || task.status === 'acknowledged';
  return (
    <li className={`op-task s-${task.status} t-${state}`} data-testid="op-task" data-task-id={task.id} data-status={task.status} data-department={task.department}>
      <div className="op-task-main">
        <span className={`op-status s-${task.status}`}>{t(`operation.taskStatus.${task.status}`)}</span>
        <span className="op-task-title">{lang.startsWith('zh') ? task.title : task.titleEn}</span>
        {task.required && <span className="op-required" title={t('operation.requiredHint')}>{t('operation.required')}</span>}
        {task.fromLevel === null ? <span className="op-tag">{t('operation.adhoc')}</span> : <span className="op-tag">{levelNumeral(task.fromLevel)}</span>}
      </div>
      <div className="op-task-meta">
        {state !== 'none' ? <CountdownText due={task.dueAt} now={now} state={state} t={t} testId="op-task-countdown" /> : <span className="muted">{task.id}</span>}
        {task.assignedUnits.length > 0 && <span className="muted"> · {task.assignedUnits.map(unitName).join('、')}</span>}
        {task.reports.length > 0 && <span className="muted ellipsis"> · {task.reports[task.reports.length - 1]!.text}</span>}
      </div>
      {open && (canTask || canReassign) && (
        <div className="op-task-actions">
          {canTask && task.status === 'open' && (
            <button type="button" data-testid="op-task-ack" onClick={() => void sendOperationCommand(dispatch, 'operation.acknowledgeTask', { operationId: op.id, taskId: task.id }, null)}>{t('operation.action.acknowledge')}</button>
          )}
          {canTask && <button type="button" data-testid="op-task-report" onClick={() => onDialog({ kind: 'report', task, done: false })}>{t('operation.action.report')}</button>}
          {canTask && <button type="button" data-testid="op-task-done" onClick={() => onDialog({ kind: 'report', task, done: true })}>{t('operation.action.done')}</button>}
          {canTask && <button type="button" data-testid="op-task-assign" onClick={() => onDialog({ kind: 'assignUnit', task })}>{t('operation.action.assignUnit')}</button>}
          {canReassign && <button type="button" data-testid="op-task-reassign" onClick={() => onDialog({ kind: 'reassign', task })}>{t('operation.action.reassign')}</button>}
        </div>
      )}
    </li>
  );
}
