/**
 * The situation report (文字快报): generated from the operation and its command log, edited by
 * the coordinator in a textarea (kept per operation in this browser), and exported as PDF.
 *
 * PDF export: the page has a print-only copy of the report (`.op-print`, shown by @media print,
 * everything else hidden), so "export" is the window's print of that copy:
 * - browser mode: `window.print()` opens Chromium's print dialog, whose "Save as PDF" writes the
 *   file (the UI test drives the same print styles headless with Playwright's `page.pdf()`);
 * - Electron: `webContents.printToPDF()` in the main process (bridge `savePdf`, features/pdf)
 *   renders the very same print styles and saves the file where the coordinator chooses.
 */
import { useEffect, useMemo, useState } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import type { Case, Operation } from '../../../shared/protocol/entities';
import { useAppSelector } from '../../app/hooks';
import { selectNow } from '../cases/selectors';
import { selectDepartments } from '../district/selectors';
import { useNames } from '../district/useNames';
import { usePdfExport } from '../pdf/usePdfExport';
import { formatSpan } from '../../i18n/format';
import { readableLogText, situationReport } from './model';
import { asIs } from '../people/label';
import { usePeople } from '../people/usePeople';

const KEY = (id: string) => `linkage.report.${id}`;
const TZ = 'Asia/Shanghai';

export function stampFormatter(lang: string): (ms: number) => string {
  const f = new Intl.DateTimeFormat(lang, { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  return (ms) => f.format(ms);
}

function loadEdited(id: string): string | null {
  try {
    return localStorage.getItem(KEY(id));
  } catch {
    return null;
  }
}

export function SituationReport({ op, cases, planName }: { op: Operation; cases: readonly Case[]; planName: string }) {
  const { t } = useTranslation();
  const names = useNames();
  const now = useAppSelector(selectNow);
  const people = usePeople();
  const departments = useAppSelector(selectDepartments);
  // The generated text follows the log, not the clock: regenerated when the operation changes.
  const [stampAt, setStampAt] = useState(now);
  useEffect(() => setStampAt(Date.now()), [op.version]);
  const generated = useMemo(() => {
    const dateTime = stampFormatter(names.lang);
    return situationReport(op, {
      t, now: stampAt, planName, cases,
      department: names.department, user: (id) => people.label(id, asIs), time: dateTime, dateTime,
      readable: (text) => readableLogText(text, op, departments.keys(), names.department, names.lang),
      span: (ms) => formatSpan(ms, (count) => t('countdown.days', { count })),
    });
  }, [op, t, stampAt, planName, cases, names, people, departments]);
  const [edited, setEdited] = useState<string | null>(() => loadEdited(op.id));
  const text = edited ?? generated;

  const change = (value: string | null) => {
    setEdited(value);
    try {
      if (value === null) localStorage.removeItem(KEY(op.id));
      else localStorage.setItem(KEY(op.id), value);
    } catch {
      // private mode: the edit lives as long as the page
    }
  };

  const pdf = usePdfExport();
  const exportPdf = async () => {
    const title = document.title;
    // The PDF's suggested file name is the page title (the print dialog takes it from there).
    document.title = `${op.id} ${t('operation.report.title')}`;
    try {
      await pdf.run(document.title);
    } finally {
      document.title = title;
    }
  };

  return (
    <section className="op-card op-report" aria-label={t('operation.report.title')} data-testid="op-report">
      <header>
        <h2>{t('operation.report.title')}</h2>
        {edited !== null && <span className="muted" data-testid="op-report-edited">{t('operation.report.edited')}</span>}
        <div className="spacer" />
        <button type="button" data-testid="op-report-regenerate" onClick={() => change(null)}>{t('operation.report.regenerate')}</button>
        <button type="button" className="primary" data-testid="op-report-export" disabled={pdf.busy} onClick={() => void exportPdf()}>{t('operation.report.export')}</button>
        {pdf.status}
      </header>
      <textarea data-testid="op-report-text" aria-label={t('operation.report.title')} value={text} spellCheck={false} onChange={(e) => change(e.target.value)} />
      {/* What the print (and the PDF) shows: the text as the coordinator left it, beside #root so print styles can hide the rest. */}
      {createPortal(
        <div className="op-print" data-testid="op-print">
          <h1>{t('app.title')}</h1>
          <pre>{text}</pre>
        </div>,
        document.body,
      )}
    </section>
  );
}
