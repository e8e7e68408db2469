/**
 * The board's forms, one at a time: escalate, de-escalate, add a task, reassign, report on a
 * task, a log entry, stand down. Each sends one command through the outbox; Esc cancels,
 * Ctrl+Enter sends. Only what the role may do is ever opened (the board decides that).
 */
import { useMemo, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { openRequiredTasks, RESPONSE_LEVELS, type ResponseLevel } from '../../../shared/domain/operations';
import type { OperationCommandType } from '../../../shared/protocol/commands';
import type { Operation, OperationTask } from '../../../shared/protocol/entities';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { selectDepartments } from '../district/selectors';
import { useNames } from '../district/useNames';
import { explainOperationError as explainError } from './explain';
import { levelNumeral } from './model';
import { sendOperationCommand } from './send';

export type DialogKind =
  | { kind: 'escalate' } | { kind: 'deescalate' } | { kind: 'addTask' } | { kind: 'logEntry' } | { kind: 'standDown' }
  | { kind: 'reassign'; task: OperationTask } | { kind: 'report'; task: OperationTask; done: boolean } | { kind: 'assignUnit'; task: OperationTask };

export function ActionDialog({ op, dialog, onClose }: { op: Operation; dialog: DialogKind; onClose(): void }) {
  const { t } = useTranslation();
  const dispatch = useAppDispatch();
  const names = useNames();
  const departments = useAppSelector(selectDepartments);
  const deptCodes = useMemo(() => [...departments.keys()].sort(), [departments]);
  const higher = RESPONSE_LEVELS.filter((l) => l < op.level);
  const lower = RESPONSE_LEVELS.filter((l) => l > op.level);
  const openRequired = openRequiredTasks(op);
  const [level, setLevel] = useState<ResponseLevel>(dialog.kind === 'escalate' ? (op.level - 1) as ResponseLevel : (Math.min(4, op.level + 1)) as ResponseLevel);
  const [text, setText] = useState('');
  const [override, setOverride] = useState('');
  const [department, setDepartment] = useState(dialog.kind === 'reassign' ? (deptCodes.find((d) => d !== dialog.task.department) ?? '') : (deptCodes[0] ?? ''));
  const [minutes, setMinutes] = useState(60);
  const [required, setRequired] = useState(false);
  const [busy, setBusy] = useState(false);
  // Decisions are made on what the coordinator saw when the form opened: a change by someone
  // else meanwhile is a conflict the hub reports, never silently overridden.
  const [seenVersion] = useState(op.version);
  const task0 = dialog.kind === 'assignUnit' ? dialog.task : null;
  const allUnits = useAppSelector((s) => s.units.entities);
  const actorDept = useAppSelector((s) => (s.session.user?.role === 'liaison' ? s.session.user.departmentCode : null));
  // The task's department's units first, the available ones first; a liaison sends only their own.
  const units = useMemo(() => (task0 ? Object.values(allUnits).filter((u) => !!u && !task0.assignedUnits.includes(u.id) && (!actorDept || u.departmentCode === actorDept))
    .sort((a, b) => Number(b!.departmentCode === task0.department) - Number(a!.departmentCode === task0.department) || Number(b!.status === 'available') - Number(a!.status === 'available') || a!.name.localeCompare(b!.name))
    .slice(0, 200) : []), [allUnits, task0, actorDept]);
  const [unitId, setUnitId] = useState('');
  const chosenUnit = unitId || units[0]?.id || '';
  const [error, setError] = useState<string | null>(null);

  const build = (): { type: OperationCommandType; payload: Record<string, unknown>; expected: number | null } | null => {
    const operationId = op.id;
    switch (dialog.kind) {
      // Decisions on the whole operation are made on the version the coordinator saw.
      case 'escalate': return { type: 'operation.escalate', payload: { operationId, level, reason: text.trim() }, expected: seenVersion };
      case 'deescalate': return { type: 'operation.deescalate', payload: { operationId, level, reason: text.trim() }, expected: seenVersion };
      case 'standDown': return { type: 'operation.standDown', payload: { operationId, summary: text.trim(), ...(override.trim() ? { overrideReason: override.trim() } : {}) }, expected: seenVersion };
      case 'assignUnit': return { type: 'operation.assignUnit', payload: { operationId, taskId: dialog.task.id, unitId: chosenUnit }, expected: null };
      // Work on tasks goes on in parallel (departments report while the coordinator adds): no version.
      case 'addTask': return { type: 'operation.addTask', payload: { operationId, department, title: text.trim(), dueMinutes: minutes, required }, expected: null };
      case 'logEntry': return { type: 'operation.logEntry', payload: { operationId, text: text.trim() }, expected: null };
      case 'reassign': return { type: 'operation.reassign', payload: { operationId, taskId: dialog.task.id, department, ...(text.trim() ? { note: text.trim() } : {}) }, expected: null };
      case 'report': return { type: 'operation.reportTask', payload: { operationId, taskId: dialog.task.id, text: text.trim(), done: dialog.done }, expected: null };
    }
  };

  const needsText = dialog.kind !== 'reassign' && dialog.kind !== 'assignUnit';
  const needsOverride = dialog.kind === 'standDown' && openRequired.length > 0;
  const valid = (!needsText || text.trim().length > 0) && (!needsOverride || override.trim().length > 0) && !!department && minutes > 0 && (dialog.kind !== 'assignUnit' || !!chosenUnit);

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (!valid || busy) return;
    const cmd = build();
    if (!cmd) return;
    setBusy(true);
    const r = await sendOperationCommand(dispatch, cmd.type, cmd.payload, cmd.expected);
    setBusy(false);
    if ('error' in r) setError(explainError(t, r.error.code, r.error.message));
    else onClose();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') { e.preventDefault(); onClose(); }
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); void submit(); }
  };

  const task = dialog.kind === 'reassign' || dialog.kind === 'report' || dialog.kind === 'assignUnit' ? dialog.task : null;
  const title = dialog.kind === 'report' ? t(dialog.done ? 'operation.action.done' : 'operation.action.report') : t(`operation.action.${dialog.kind}`);
  const textLabel = {
    escalate: 'operation.form.reason', deescalate: 'operation.form.reason', standDown: 'operation.form.summary', addTask: 'operation.form.title',
    logEntry: 'operation.form.entry', reassign: 'operation.form.note', report: 'operation.form.report', assignUnit: null,
  }[dialog.kind];

  return (
    <div className="overlay" data-testid="op-dialog-overlay">
      <form className="dialog op-dialog" role="dialog" aria-modal="true" aria-label={title} data-testid={`op-form-${dialog.kind}`} onSubmit={submit} onKeyDown={onKeyDown}>
        <h2>{title}{task && <span className="muted"> · {task.id} {names.lang.startsWith('zh') ? task.title : task.titleEn}</span>}</h2>
        {(dialog.kind === 'escalate' || dialog.kind === 'deescalate') && (
          <label>{t('operation.form.level')}
            <select data-testid="op-level" value={level} onChange={(e) => setLevel(Number(e.target.value) as ResponseLevel)}>
              {(dialog.kind === 'escalate' ? higher : lower).map((l) => (
                <option key={l} value={l}>{t('operation.levelName', { numeral: levelNumeral(l), color: t(`operation.color.${l}`) })}</option>
              ))}
            </select>
          </label>
        )}
        {(dialog.kind === 'addTask' || dialog.kind === 'reassign') && (
          <label>{t('operation.form.department')}
            <select data-testid="op-department" value={department} onChange={(e) => setDepartment(e.target.value)}>
              {deptCodes.filter((d) => dialog.kind !== 'reassign' || d !== dialog.task.department).map((d) => <option key={d} value={d}>{names.department(d)}</option>)}
            </select>
          </label>
        )}
        {dialog.kind === 'addTask' && (
          <div className="row">
            <label>{t('operation.form.dueMinutes')}
              <input data-testid="op-due" type="number" min={1} max={7 * 24 * 60} value={minutes} onChange={(e) => setMinutes(Number(e.target.value))} />
            </label>
            <label className="check"><input data-testid="op-required" type="checkbox" checked={required} onChange={(e) => setRequired(e.target.checked)} />{t('operation.form.required')}</label>
          </div>
        )}
        {dialog.kind === 'assignUnit' && (
          <label>{t('operation.form.unit')}
            <select data-testid="op-unit" autoFocus value={chosenUnit} onChange={(e) => setUnitId(e.target.value)}>
              {units.map((u) => <option key={u!.id} value={u!.id}>{u!.name} · {names.department(u!.departmentCode)} · {t(`unit.status.${u!.status}`)}</option>)}
            </select>
          </label>
        )}
        {textLabel && (
          <label>{t(textLabel)}
            <textarea data-testid="op-text" autoFocus rows={dialog.kind === 'standDown' ? 4 : 3} maxLength={2000} value={text} onChange={(e) => setText(e.target.value)} />
          </label>
        )}
        {dialog.kind === 'standDown' && openRequired.length > 0 && (
          <div className="op-warning" role="alert" data-testid="op-open-required">
            <p>{t('operation.form.openRequired', { count: openRequired.length, ids: openRequired.map((x) => x.id).join(', ') })}</p>
            <label>{t('operation.form.override')}
              <textarea data-testid="op-override" rows={2} maxLength={2000} value={override} onChange={(e) => setOverride(e.target.value)} />
            </label>
          </div>
        )}
        {error && <div className="error" role="alert" data-testid="op-form-error">{error}</div>}
        <div className="buttons">
          <button type="button" onClick={onClose}>{t('operation.form.cancel')}</button>
          <button type="submit" className={dialog.kind === 'standDown' || dialog.kind === 'escalate' ? 'primary danger' : 'primary'} data-testid="op-submit" disabled={!valid || busy}>
            {t('operation.form.send')} <kbd>Ctrl+Enter</kbd>
          </button>
        </div>
      </form>
    </div>
  );
}
