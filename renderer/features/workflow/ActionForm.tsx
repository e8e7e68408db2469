/**
 * The form of the step being taken (reason, note, departments, verdict, extension, merge
 * target). Keyboard only: the first field has focus, Ctrl+Enter sends, Esc cancels, and focus
 * goes back to the queue either way.
 */
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { selectRelatedCases } from '../case/selectors';
import { localName, selectCategories } from '../district/selectors';
import { explainError } from '../outbox/explain';
import { focusQueue } from '../shell/focus';
import { formClosed, submitForm } from './slice';
import { EMPTY_FORM, formProblem, STEP_SPECS, type FormValues } from './steps';

export function ActionForm() {
  const form = useAppSelector((s) => s.workflow.form);
  // A fresh component per opened form, so its fields start from that form's defaults.
  return form ? <OpenActionForm key={`${form.step}:${form.caseId}:${form.version}`} /> : null;
}

function OpenActionForm() {
  const { t, i18n } = useTranslation();
  const dispatch = useAppDispatch();
  const form = useAppSelector((s) => s.workflow.form)!;
  const busy = useAppSelector((s) => s.workflow.busy);
  const error = useAppSelector((s) => s.workflow.error);
  const c = useAppSelector((s) => s.cases.entities[form.caseId]);
  const departments = useAppSelector((s) => s.district.summary?.departments ?? []);
  const categories = useAppSelector(selectCategories);
  const related = useAppSelector(selectRelatedCases);
  const owner = c ? categories.get(c.categoryCode)?.owner : undefined;
  const [v, setV] = useState<FormValues>(() => ({
    ...EMPTY_FORM,
    // Dispatch defaults to the owners already named, else the catalog's owner of the class.
    departments: c?.owners.length ? [...c.owners] : owner ? [owner] : [],
    ...form.initial,
  }));
  const [tried, setTried] = useState(false);
  const kind = STEP_SPECS[form.step].form;
  const problem = formProblem(form.step, v);
  const set = (patch: Partial<FormValues>) => setV((x) => ({ ...x, ...patch }));

  const close = () => {
    dispatch(formClosed());
    focusQueue();
  };
  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    setTried(true);
    if (problem || busy) return;
    const r = await dispatch(submitForm(v));
    if (submitForm.fulfilled.match(r)) focusQueue();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
    } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void submit();
    }
  };

  const textLabel = kind === 'reason' || kind === 'suspend' ? t('form.reason') : kind === 'comment' ? t('form.comment') : kind === 'note' ? t('form.note') : t('form.noteOptional');
  const showText = kind !== 'attach';
  return (
    <div className="overlay" data-testid="form-overlay" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <form className="dialog" role="dialog" aria-modal="true" aria-labelledby="form-title" data-testid="action-form" data-step={form.step}
        onSubmit={submit} onKeyDown={onKeyDown}>
        <h2 id="form-title">{t('form.title', { step: t(`step.${form.step}`), id: form.caseId })}</h2>

        {kind === 'dispatch' && (
          <fieldset data-testid="form-departments">
            <legend>{t('form.departments')}</legend>
            <div className="checks">
              {departments.map((d, i) => (
                <label key={d.code}>
                  <input type="checkbox" autoFocus={i === 0} data-testid={`form-dept-${d.code}`} checked={v.departments.includes(d.code)}
                    onChange={(e) => set({ departments: e.target.checked ? [...v.departments, d.code] : v.departments.filter((x) => x !== d.code) })} />
                  {localName(d, d.code, i18n.language)}{d.code === owner ? ` (${t('form.defaultOwner')})` : ''}
                </label>
              ))}
            </div>
            <label className="field">{t('form.handlingHours')}
              <input type="number" min={0.5} max={2160} step={0.5} data-testid="form-hours" value={v.handlingHours} onChange={(e) => set({ handlingHours: e.target.value })} />
            </label>
          </fieldset>
        )}

        {kind === 'verify' && (
          <fieldset data-testid="form-verify">
            <legend>{t('form.verifyResult')}</legend>
            <label><input type="radio" name="verdict" autoFocus data-testid="form-pass" checked={v.passed} onChange={() => set({ passed: true })} /> {t('form.passed')}</label>
            <label><input type="radio" name="verdict" data-testid="form-fail" checked={!v.passed} onChange={() => set({ passed: false })} /> {t('form.failed')}</label>
          </fieldset>
        )}

        {kind === 'merge' && (
          <label className="field">{t('form.mergeTarget')}
            <select autoFocus data-testid="form-merge-target" value={v.intoCaseId} onChange={(e) => set({ intoCaseId: e.target.value })}>
              <option value="">—</option>
              {v.intoCaseId && !related.some((r) => r.item.id === v.intoCaseId) && <option value={v.intoCaseId}>{v.intoCaseId}</option>}
              {related.filter((r) => r.item.id !== form.caseId).map((r) => <option key={r.item.id} value={r.item.id}>{r.item.id} · {r.item.address}</option>)}
            </select>
          </label>
        )}

        {kind === 'attach' && (
          <>
            <label className="field">{t('form.attachName')}
              <input autoFocus data-testid="form-attach-name" maxLength={200} value={v.attachName} onChange={(e) => set({ attachName: e.target.value })} />
            </label>
            <label className="field">{t('form.attachUrl')}
              <input type="url" data-testid="form-attach-url" maxLength={2000} value={v.attachUrl} onChange={(e) => set({ attachUrl: e.target.value })} />
            </label>
          </>
        )}

        {showText && (
          <label className="field">{textLabel}
            <textarea autoFocus={kind === 'reason' || kind === 'note' || kind === 'comment' || kind === 'suspend'} data-testid="form-text" rows={3} maxLength={2000}
              value={v.text} onChange={(e) => set({ text: e.target.value })} />
          </label>
        )}

        {kind === 'suspend' && (
          <label className="field">{t('form.extendHours')}
            <input type="number" min={1} max={2160} data-testid="form-extend-hours" value={v.extendHours} onChange={(e) => set({ extendHours: e.target.value })} />
          </label>
        )}

        {tried && problem && <p className="error" role="alert" data-testid="form-problem">{t(problem)}</p>}
        {error && <p className="error" role="alert" data-testid="form-error" data-code={error.code}>{explainError(t, error.code, error.message)}</p>}

        <div className="dialog-buttons">
          <button type="submit" className="primary" data-testid="form-submit" disabled={busy}>{busy ? t('form.sending') : t('form.submit')}</button>
          <button type="button" data-testid="form-cancel" onClick={close}>{t('form.cancel')}</button>
        </div>
      </form>
    </div>
  );
}
