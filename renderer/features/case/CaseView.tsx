/** The open case: what, where, who owns it, the clock, what to do, its history and its surroundings. */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppSelector } from '../../app/hooks';
import { formatDateTime, formatList } from '../../i18n/format';
import { Countdown } from '../cases/Countdown';
import { selectNow } from '../cases/selectors';
import { caseClock, timelinessAt } from '../cases/timeliness';
import { useNames } from '../district/useNames';
import { explainRefusal, stepNameOfCommand } from '../outbox/explain';
import { selectPendingByCase, selectRefusalsOfCase } from '../outbox/selectors';
import { CASE_VIEW_ID } from '../shell/focus';
import { MapSlot } from '../shell/MapSlot';
import { ActionBar } from '../workflow/ActionBar';
import { NearbyCameras, NearestUnits, RelatedCases } from './Nearby';
import { selectNearbyCameras, selectNearestUnits, selectPositions, selectSelectedCase } from './selectors';
import { Timeline } from './Timeline';

function Deadlines() {
  const { t, i18n } = useTranslation();
  const c = useAppSelector(selectSelectedCase)!;
  const now = useAppSelector(selectNow);
  const clock = caseClock(c);
  const state = timelinessAt(c, now);
  const row = (stage: 'dispatch' | 'handling', due: number | null) => due !== null && (
    <div className="deadline" data-testid={`deadline-${stage}`} data-running={clock.stage === stage}>
      <span>{t(`stage.${stage}`)}</span>
      <time>{formatDateTime(due, i18n.language)}</time>
      {clock.stage === stage && !clock.paused ? <Countdown due={due} state={state} testId="case-countdown" /> : null}
    </div>
  );
  return (
    <section className="block" data-testid="case-deadlines">
      <h3>{t('case.deadlines')} <span className={`badge t-${state}`} data-testid="case-timeliness" data-state={state}>{t(`timeliness.${state}`)}</span></h3>
      {row('dispatch', c.dispatchDue)}
      {row('handling', c.handlingDue)}
    </section>
  );
}

function PendingAndRefusals({ caseId }: { caseId: string }) {
  const { t, i18n } = useTranslation();
  const pending = useAppSelector((s) => selectPendingByCase(s).get(caseId));
  const refusals = useAppSelector((s) => selectRefusalsOfCase(s, caseId));
  const current = useAppSelector((s) => s.cases.entities[caseId]);
  return (
    <>
      {pending && (
        <div className="banner pending" data-testid="case-pending" data-count={pending.length} title={t('case.pendingHint')}>
          ● {t('case.pending', { steps: formatList(pending.map((p) => stepNameOfCommand(t, p.type)), i18n.language) })} — {t('case.pendingHint')}
        </div>
      )}
      {refusals.map((r) => (
        <div key={r.answer.commandId} className="banner refusal" role="alert" data-testid="case-refusal" data-code={r.code}>
          <b>{t('errors.refused', { step: stepNameOfCommand(t, r.type) })}</b>
          {explainRefusal(t, r, current).map((line) => <div key={line}>{line}</div>)}
        </div>
      ))}
    </>
  );
}

function MiniMap() {
  const c = useAppSelector(selectSelectedCase)!;
  const cameras = useAppSelector(selectNearbyCameras);
  const units = useAppSelector(selectNearestUnits);
  const positions = useAppSelector(selectPositions);
  const cases = useMemo(() => [c], [c]);
  const camList = useMemo(() => cameras.map((x) => x.item), [cameras]);
  const unitList = useMemo(() => units.map((x) => x.item), [units]);
  return <MapSlot variant="mini" testId="mini-map" cases={cases} cameras={camList} units={unitList} positions={positions} focus={c.point} />;
}

export function CaseView() {
  const { t, i18n } = useTranslation();
  const names = useNames();
  const c = useAppSelector(selectSelectedCase);
  const selectedId = useAppSelector((s) => s.queue.selectedId);
  if (!c) {
    return (
      <div className="case-empty" id={CASE_VIEW_ID} tabIndex={-1} data-testid="case-empty">
        {selectedId ? t('case.gone') : t('case.none')}
      </div>
    );
  }
  return (
    <article className={`case u-${c.urgency}`} id={CASE_VIEW_ID} tabIndex={-1} data-testid="case-view" data-case-id={c.id} data-status={c.status} data-version={c.version}>
      <header className="case-head">
        <span className={`pill u-${c.urgency}`} data-testid="case-urgency">{t(`urgency.${c.urgency}`)}</span>
        <h2 data-testid="case-category">
          <span className="muted">{names.bigClassOf(c.categoryCode)} / </span>{names.category(c.categoryCode)}
        </h2>
        <span className={`status s-${c.status}`} data-testid="case-status">{t(`status.${c.status}`)}</span>
      </header>
      <div className="case-meta muted">
        <span data-testid="case-id">{c.id}</span> · {t('case.version', { version: c.version })} · {t(`source.${c.source}`)}
        {c.externalRef ? ` · ${c.externalRef}` : ''} · {t('case.reported')} {formatDateTime(c.reportedAt, i18n.language)}
        {c.mergedInto && <> · <b>{t('case.mergedInto', { id: c.mergedInto })}</b></>}
      </div>
      <ActionBar caseId={c.id} />
      <PendingAndRefusals caseId={c.id} />
      <div className="case-grid">
        <section className="block" data-testid="case-place">
          <h3>{t('case.place')}</h3>
          <p className="big">{c.address || '—'}</p>
          <p>{t('case.subdistrict')}: <span data-testid="case-subdistrict">{names.subdistrict(c.subdistrictCode)}</span></p>
          <p>{t('case.community')}: <span data-testid="case-community">{names.community(c.communityCode)}</span></p>
          <p>{t('case.owners')}: <span data-testid="case-owners">{c.owners.length ? formatList(c.owners.map(names.department), i18n.language) : t('case.noOwners')}</span></p>
        </section>
        <MiniMap />
      </div>
      <Deadlines />
      <section className="block" data-testid="case-description">
        <h3>{t('case.description')}</h3>
        <p className="prose">{c.description || '—'}</p>
        {c.reporter && <p className="muted">{t('case.reporter')}: {c.reporter}</p>}
      </section>
      <section className="block" data-testid="case-attachments">
        <h3>{t('case.attachments')}</h3>
        {c.attachments.length === 0 ? <p className="muted">{t('case.noAttachments')}</p> : (
          <ul className="list">
            {c.attachments.map((a) => (
              <li key={a.id} data-testid="attachment">
                {a.url && /^https?:/i.test(a.url) ? <a href={a.url} target="_blank" rel="noreferrer noopener">{a.name}</a> : <span>{a.name}</span>}
                <span className="muted">{a.mime}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <Timeline caseId={c.id} />
      <NearbyCameras />
      <NearestUnits />
      <RelatedCases caseId={c.id} />
    </article>
  );
}
