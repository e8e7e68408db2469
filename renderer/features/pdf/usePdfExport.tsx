/** PDF export with its state shown beside the button that started it (progress, saved path, failure). */
import { useCallback, useState, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { exportPagePdf, type PdfOutcome } from './export';

type State = { kind: 'idle' } | { kind: 'saving' } | PdfOutcome;

export function usePdfExport(): { run: (fileName: string) => Promise<void>; busy: boolean; status: ReactElement | null } {
  const { t } = useTranslation();
  const [state, setState] = useState<State>({ kind: 'idle' });
  const run = useCallback(async (fileName: string) => {
    setState({ kind: 'saving' });
    setState(await exportPagePdf(fileName));
  }, []);
  let status: ReactElement | null = null;
  if (state.kind === 'saving') status = <span className="muted" role="status" data-testid="pdf-status">{t('pdf.saving')}</span>;
  else if (state.kind === 'saved') status = <span className="muted" role="status" data-testid="pdf-status">{t('pdf.saved', { path: state.path })}</span>;
  else if (state.kind === 'failed') status = <span className="stats-error" role="alert" data-testid="pdf-status">{t('pdf.failed', { message: state.message })}</span>;
  return { run, busy: state.kind === 'saving', status };
}
