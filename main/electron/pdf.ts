/**
 * One-click PDF (issue 9's report, issue 8's situation report): the calling page printed by
 * webContents.printToPDF — the same print styles as the browser's print — and saved where the
 * user chooses. Behind the same gate as every call: our channel, a frame of the app's origin,
 * arguments checked (SHELL_CALLS); the page names the file, never its folder.
 */
import { app, BrowserWindow, dialog, ipcMain, type IpcMainInvokeEvent } from 'electron';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { BridgeCallResult, SavedPdf } from '../../shared/bridge/contract';
import { IPC, isTrustedSender, pdfFileName } from './security/policy';

async function savePdf(event: IpcMainInvokeEvent, fileName: string): Promise<SavedPdf> {
  const win = BrowserWindow.fromWebContents(event.sender);
  const pdf = await event.sender.printToPDF({ printBackground: true, pageSize: 'A4', margins: { marginType: 'default' } });
  const options = { defaultPath: path.join(app.getPath('documents'), fileName), filters: [{ name: 'PDF', extensions: ['pdf'] }] };
  const choice = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
  if (choice.canceled || !choice.filePath) return { saved: false, path: null };
  await fs.writeFile(choice.filePath, pdf);
  return { saved: true, path: choice.filePath };
}

export function handlePdfExport(log: (m: string) => void): void {
  ipcMain.handle(IPC.savePdf, async (event, args: unknown): Promise<BridgeCallResult> => {
    if (!isTrustedSender(IPC.savePdf, event.senderFrame?.url)) {
      log(`refused PDF export from ${event.senderFrame?.url ?? 'unknown frame'}`);
      return { ok: false, error: { code: 'forbidden', message: 'not an app frame' } };
    }
    const name = pdfFileName(args);
    if (!name) return { ok: false, error: { code: 'invalid_input', message: 'savePdf: a file name without a folder or reserved characters' } };
    try {
      return { ok: true, value: await savePdf(event, name) };
    } catch (e) {
      log(`PDF export failed: ${e instanceof Error ? e.message : String(e)}`);
      return { ok: false, error: { code: 'internal', message: `the PDF could not be made or saved: ${e instanceof Error ? e.message : String(e)}` } };
    }
  });
}
