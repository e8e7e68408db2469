/** Around the case: cameras, available units with distance, and possible duplicates to merge. */
import { useTranslation } from 'react-i18next';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { formatDateTime } from '../../i18n/format';
import { useNames } from '../district/useNames';
import { caseSelected } from '../queue/slice';
import { takeStep } from '../workflow/slice';
import { offeredSteps } from '../workflow/steps';
import { selectNearbyCameras, selectNearestUnits, selectRelatedCases, selectUser } from './selectors';

export function useDistance() {
  const { t } = useTranslation();
  return (m: number) => (m < 1000 ? t('case.distance', { m: Math.round(m) }) : t('case.distanceKm', { km: (m / 1000).toFixed(1) }));
}

export function NearbyCameras() {
  const { t } = useTranslation();
  const cams = useAppSelector(selectNearbyCameras);
  const dist = useDistance();
  return (
    <section className="block" data-testid="nearby-cameras">
      <h3>{t('case.cameras')}</h3>
      {cams.length === 0 ? <p className="muted">{t('case.noCameras')}</p> : (
        <ul className="list">
          {cams.map(({ item, distanceM }) => (
            <li key={item.id} data-testid="nearby-camera" data-camera-id={item.id}>
              <span>{item.name}</span>
              <span className={`status cam-${item.status}`}>{t(`camera.status.${item.status}`)}</span>
              <span className="muted">{dist(distanceM)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function NearestUnits() {
  const { t } = useTranslation();
  const names = useNames();
  const units = useAppSelector(selectNearestUnits);
  const dist = useDistance();
  return (
    <section className="block" data-testid="nearby-units">
      <h3>{t('case.units')}</h3>
      {units.length === 0 ? <p className="muted">{t('case.noUnits')}</p> : (
        <ul className="list">
          {units.map(({ item, distanceM }) => (
            <li key={item.id} data-testid="nearby-unit" data-unit-id={item.id}>
              <span>{item.name}</span>
              <span className="muted">{t(`unit.kind.${item.kind}`)} · {names.department(item.departmentCode)}</span>
              <span>{dist(distanceM)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function RelatedCases({ caseId }: { caseId: string }) {
  const { t, i18n } = useTranslation();
  const dispatch = useAppDispatch();
  const names = useNames();
  const related = useAppSelector(selectRelatedCases);
  const user = useAppSelector(selectUser);
  const self = useAppSelector((s) => s.cases.entities[caseId]);
  const dist = useDistance();
  const selfMergeable = offeredSteps(user, self).includes('merge');
  return (
    <section className="block" data-testid="related-cases">
      <h3>{t('case.related')}</h3>
      {related.length === 0 ? <p className="muted">{t('case.noRelated')}</p> : (
        <ul className="list">
          {related.map(({ item, distanceM }) => {
            // The duplicate is merged into the original: this one into that, or that one into this.
            const otherMergeable = !selfMergeable && offeredSteps(user, item).includes('merge');
            return (
              <li key={item.id} data-testid="related-case" data-case-id={item.id}>
                <button type="button" className="link" onClick={() => dispatch(caseSelected(item.id))}>{item.id}</button>
                <span>{names.category(item.categoryCode)}{item.categoryCode === self?.categoryCode ? ` (${t('case.sameCategory')})` : ''}</span>
                <span className="muted">{t(`status.${item.status}`)} · {formatDateTime(item.reportedAt, i18n.language)} · {dist(distanceM)}</span>
                {selfMergeable && (
                  <button type="button" data-testid={`merge-into-${item.id}`} onClick={() => void dispatch(takeStep({ step: 'merge', caseId, initial: { intoCaseId: item.id } }))}>
                    {t('case.mergeInto')}
                  </button>
                )}
                {otherMergeable && (
                  <button type="button" data-testid={`merge-here-${item.id}`} onClick={() => void dispatch(takeStep({ step: 'merge', caseId: item.id, initial: { intoCaseId: caseId } }))}>
                    {t('case.mergeHere')}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
