// Electron's security checklist, checked against the shell's real options, handlers, preload and
// packaging config (no Electron binary is needed: the decisions are plain functions).
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import {
  bundlePath, CONTENT_SECURITY_POLICY, externalLinkAllowed, IPC, isAppUrl, isTrustedSender, pdfFileName, permissionDecision,
  REQUIRED_FUSES, secureWebPreferences, windowOptions,
} from '../../main/electron/security/policy';
import { BRIDGE_CALL_NAMES, SHELL_CALL_NAMES } from '../../shared/bridge/contract';

const root = path.resolve(import.meta.dirname, '../..');
const read = (rel: string) => fs.readFileSync(path.join(root, rel), 'utf8');

describe('Electron security checklist', () => {
  const prefs = secureWebPreferences('/x/preload.cjs');
  it('2–4, 6, 8–12: web preferences of every window', () => {
    for (const kind of ['console', 'wall'] as const) {
      const w = windowOptions('/x/preload.cjs', kind).webPreferences!;
      expect(w).toMatchObject({ nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false, contextIsolation: true, sandbox: true, webSecurity: true, allowRunningInsecureContent: false, experimentalFeatures: false, webviewTag: false });
      expect(w.enableBlinkFeatures).toBeUndefined();
    }
    expect(prefs.preload).toBe('/x/preload.cjs');
  });

  it('5: every permission request is denied', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'fullscreen']) expect(permissionDecision(p)).toBe(false);
  });

  it('7: a strict CSP without inline or remote scripts', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src[^;]*(unsafe-inline|unsafe-eval|http)/);
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
  });

  it('1, 13, 14, 18: only app:// pages; GET only; no traversal; navigation elsewhere refused', () => {
    expect(isAppUrl('app://bundle/index.html')).toBe(true);
    for (const bad of ['file:///etc/passwd', 'https://example.com/', 'app://other/index.html', 'javascript:alert(1)', 'not a url']) expect(isAppUrl(bad)).toBe(false);
    expect(bundlePath('GET', 'app://bundle/')).toBe('index.html');
    expect(bundlePath('GET', 'app://bundle/wall/main')).toBe('index.html');
    expect(bundlePath('GET', 'app://bundle/assets/a.js')).toBe('assets/a.js');
    expect(bundlePath('POST', 'app://bundle/assets/a.js')).toBeNull();
    // The URL parser resolves dot segments first, so an encoded climb stays inside the bundle.
    expect(bundlePath('GET', 'app://bundle/%2e%2e/%2e%2e/etc/passwd')).toBe('etc/passwd');
    expect(bundlePath('GET', 'app://bundle/a/%2E%2E%2F%2E%2E%2Fetc')).toBeNull();
    expect(bundlePath('GET', 'app://bundle/assets/%00.js')).toBeNull();
    expect(bundlePath('GET', 'https://bundle/x')).toBeNull();
  });

  it('15: shell.openExternal only for plain http(s) links', () => {
    expect(externalLinkAllowed('https://www.shmh.gov.cn/')).toBe(true);
    for (const bad of ['file:///c:/windows/system32/calc.exe', 'smb://host/share', 'javascript:alert(1)', 'https://user:pw@host/']) expect(externalLinkAllowed(bad)).toBe(false);
  });

  it('17: IPC only on our channels, from frames of the app origin', () => {
    expect(isTrustedSender(IPC.call, 'app://bundle/index.html')).toBe(true);
    expect(isTrustedSender(IPC.call, 'https://evil.example/')).toBe(false);
    expect(isTrustedSender(IPC.call, null)).toBe(false);
    expect(isTrustedSender('other:call', 'app://bundle/')).toBe(false);
  });

  it('17: PDF export takes a plain file name only', () => {
    expect(pdfFileName(['态势快报 OP-1'])).toBe('态势快报 OP-1.pdf');
    expect(pdfFileName(['report.PDF'])).toBe('report.PDF');
    for (const bad of [['../x'], ['C:\\x'], ['a/b'], ['con:'], ['a\u0000b'], [''], ['   '], ['x'.repeat(121)], [1], [], ['a', 'b'], null]) {
      expect(pdfFileName(bad), JSON.stringify(bad)).toBeNull();
    }
  });

  it('20: the preload exposes domain calls only — no ipcRenderer, no forwarding by name', () => {
    const preload = read('main/electron/preload/preload.ts');
    expect(preload).toMatch(/contextBridge\.exposeInMainWorld\('linkage', bridge\)/);
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
    const body = preload.slice(preload.indexOf('const bridge: LinkageBridge = {'), preload.indexOf('contextBridge.exposeInMainWorld'));
    const exposed = [...body.matchAll(/^ {2}(\w+)[:(]/gm)].map((m) => m[1]);
    expect(exposed.sort()).toEqual([...BRIDGE_CALL_NAMES, ...SHELL_CALL_NAMES, 'onChanges'].sort());
    for (const call of BRIDGE_CALL_NAMES) expect(preload).toContain(`call('${call}'`);
    // The shell's own call goes on our channel, answered in pdf.ts behind the same sender gate.
    expect(preload).toContain(`const SAVE_PDF = '${IPC.savePdf}'`);
    const pdf = read('main/electron/pdf.ts');
    expect(pdf).toMatch(/ipcMain\.handle\(IPC\.savePdf,[\s\S]*isTrustedSender\(IPC\.savePdf, event\.senderFrame\?\.url\)[\s\S]*pdfFileName\(args\)/);
    expect(read('main/electron/app.ts')).toMatch(/handlePdfExport\(log\)/);
    // the listener gets the batch, never the IPC event
    expect(preload).toMatch(/\(_e: IpcRendererEvent, batch: ChangeBatch\) => listener\(batch\)/);
  });

  it('16: a current Electron', () => {
    const version = (JSON.parse(read('package.json')) as { devDependencies: Record<string, string> }).devDependencies.electron!;
    expect(Number(/\d+/.exec(version)![0])).toBeGreaterThanOrEqual(39);
  });

  it('19: fuses flipped at packaging, as the shell requires', () => {
    const yml = read('electron-builder.yml');
    for (const [fuse, value] of Object.entries(REQUIRED_FUSES)) expect(yml).toMatch(new RegExp(`^\\s+${fuse}: ${value}$`, 'm'));
  });

  it('the shell wires every handler (navigation, windows, webviews, permissions, IPC gate, single instance)', () => {
    const app = read('main/electron/app.ts');
    for (const hook of ["'will-navigate'", "'will-redirect'", "'will-attach-webview'", 'setWindowOpenHandler', 'setPermissionRequestHandler', 'setPermissionCheckHandler', 'isTrustedSender(', 'requestSingleInstanceLock', 'protocol.handle(', 'registerSchemesAsPrivileged']) {
      expect(app).toContain(hook);
    }
    expect(app).not.toMatch(/loadFile\(|file:\/\//);
  });
});

describe('no secret in the repository', () => {
  it('holds no password, key or token literal', async () => {
    const { execFileSync } = await import('node:child_process');
    const files = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter((f) => f && !/package-lock\.json$|\.(png|br|geojson)$/.test(f) && fs.existsSync(path.join(root, f)));
    const suspicious = /(password|passwd|secret|api[_-]?key|token)\s*[:=]\s*['"][A-Za-z0-9+/_\-]{12,}['"]|-----BEGIN [A-Z ]*PRIVATE KEY-----|lk_[a-z]+_[A-Za-z0-9_-]{20,}/i;
    const hits = files.filter((f) => f !== 'test/unit/electron-security.test.ts' && suspicious.test(read(f)));
    expect(hits).toEqual([]);
    // and the rule would catch one
    expect(suspicious.test(`const password = 'hunter2hunter2hunter2';`)).toBe(true);
  });
});

describe('wall pages under the custom protocol', () => {
  it('serve index.html at /wall/<name> and the build assets under /wall/assets', () => {
    expect(bundlePath('GET', 'app://bundle/wall/north')).toBe('index.html');
    expect(bundlePath('GET', 'app://bundle/wall/assets/index-abc.js')).toBe('assets/index-abc.js');
  });
});
