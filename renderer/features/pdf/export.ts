/**
 * A page as a PDF, the way the shell allows: Electron makes and saves the file in one step
 * (bridge `savePdf`: webContents.printToPDF, then a save dialog); a browser opens its print
 * dialog, whose "Save as PDF" does the same from the same print styles.
 */
import { getBridge } from '../../bridge';

export type PdfOutcome = { kind: 'saved'; path: string } | { kind: 'cancelled' } | { kind: 'printed' } | { kind: 'failed'; message: string };

export async function exportPagePdf(fileName: string): Promise<PdfOutcome> {
  const bridge = getBridge();
  if (!bridge.savePdf) {
    window.print();
    return { kind: 'printed' };
  }
  try {
    const r = await bridge.savePdf(fileName);
    return r.saved && r.path ? { kind: 'saved', path: r.path } : { kind: 'cancelled' };
  } catch (e) {
    return { kind: 'failed', message: e instanceof Error ? e.message : String(e) };
  }
}
