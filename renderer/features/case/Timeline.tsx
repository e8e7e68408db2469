/** The case's history from the hub's log (bridge.caseDetail), refreshed when the case changes. */
import { useTranslation } from 'react-i18next';
import type { TimelineEntry } from '../../../shared/bridge/contract';
import { useAppSelector } from '../../app/hooks';
import { formatDateTime, formatList } from '../../i18n/format';
import { useNames } from '../district/useNames';
import { shortUserId } from '../people/label';
import { usePeople } from '../people/usePeople';
import { selectDetailError, selectDetailOf } from './selectors';

/** The words of an entry's detail worth a line: reasons, notes, departments, verdicts. */
function detailText(e: TimelineEntry, dept: (code: string) => string, lang: string): string {
  const d = e.detail;
  const parts: string[] = [];
  for (const k of ['reason', 'note', 'text'] as const) if (typeof d[k] === 'string' && d[k]) parts.push(d[k] as string);
  if (Array.isArray(d.departments)) parts.push(formatList((d.departments as unknown[]).map((x) => dept(String(x))), lang));
  if (typeof d.extendHours === 'number') parts.push(`+${d.extendHours}h`);
  if (typeof d.intoCaseId === 'string') parts.push(`→ ${d.intoCaseId}`);
  if (d.attachment && typeof d.attachment === 'object' && typeof (d.attachment as { name?: unknown }).name === 'string') parts.push((d.attachment as { name: string }).name);
  return parts.join(' · ');
}

export function Timeline({ caseId }: { caseId: string }) {
  const { t, i18n } = useTranslation();
  const names = useNames();
  const detail = useAppSelector((s) => selectDetailOf(s, caseId));
  const error = useAppSelector((s) => selectDetailError(s, caseId));
  const people = usePeople();
  // Entries name users by id: the people directory says who (name, department; role and the whole
  // id in the tooltip). An id it does not know is shortened (a uuid across the line reads as noise at 2 m).
  const who = (by: string | null) => (by === null ? t('case.system') : people.label(by, (id) => t('case.userId', { id: shortUserId(id) })));
  return (
    <section className="block" data-testid="case-timeline">
      <h3>{t('case.timeline')}</h3>
      {error && !detail && <p className="error">{t('case.timelineError', { message: t(`errors.${error.code}`, { defaultValue: error.message }) })}</p>}
      {!detail && !error && <p className="muted">{t('case.timelineLoading')}</p>}
      {detail && (
        <ol className="timeline">
          {detail.timeline.map((e) => (
            <li key={e.seq} data-testid="timeline-entry" data-type={e.type}>
              <time>{formatDateTime(e.at, i18n.language)}</time>
              <b>{t(`timeline.${e.type}`, { defaultValue: t('timeline.other') })}</b>
              <span className="muted" data-testid="timeline-by" title={e.by === null ? undefined : people.title(e.by)}>{who(e.by)}</span>
              <span className="tl-detail">{detailText(e, names.department, i18n.language)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
