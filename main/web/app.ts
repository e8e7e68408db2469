/**
 * The app in browser mode: a session (cores in their own processes) behind the web server.
 * Used by `npm start` when there is no Electron binary, for walls driven by a browser, and by
 * the UI tests.
 */
import path from 'node:path';
import { CoreClient } from '../core/host/client';
import { Session } from '../core/bridge/session';
import { readCredentials } from '../core/bridge/credentials';
import { cameraOriginsFrom } from '../core/bridge/csp';
import { startWebServer, type RunningWebServer } from './server';

export interface BrowserAppOptions {
  dataDir: string;
  hubUrl: string;
  /** The embedded hub's credentials file: enables the default sign-in and the role switcher. */
  credentialsFile: string | null;
  defaultUser: string | null;
  staticDir: string;
  host?: string;
  port?: number;
  tls?: { key: string; cert: string } | null;
  token?: string;
  /** Video gateways' origins for camera streams; default: `LINKAGE_CAMERA_ORIGINS`. */
  cameraOrigins?: string[];
  log(message: string): void;
}

export async function startBrowserApp(opts: BrowserAppOptions): Promise<{ server: RunningWebServer; session: Session; close(): Promise<void> }> {
  const session = new Session({
    dataDir: path.join(opts.dataDir, 'workstation'),
    hubUrl: opts.hubUrl,
    credentials: readCredentials(opts.credentialsFile),
    defaultUser: opts.defaultUser,
    openCore: (o) => CoreClient.spawn(o, { onLog: (m) => opts.log(`[core] ${m}`) }),
    log: opts.log,
  });
  await session.startDefault();
  const server = await startWebServer({ session, staticDir: opts.staticDir, host: opts.host, port: opts.port, tls: opts.tls, token: opts.token, cameraOrigins: opts.cameraOrigins ?? cameraOriginsFrom(process.env.LINKAGE_CAMERA_ORIGINS), log: opts.log });
  return {
    server, session,
    async close() {
      await server.close();
      await session.close();
    },
  };
}
