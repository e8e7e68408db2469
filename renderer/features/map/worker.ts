/**
 * maplibre-gl 6 is an ES module whose worker is a separate module file; under Vite (and in
 * Electron, where the page is not served over http and maplibre cannot guess the URL) it must
 * be told where that file is (ARCHITECTURE §7). The `?url` import makes Vite emit the worker as an
 * asset and hand us its URL; the server must send `.mjs` as JavaScript.
 */
import { setWorkerUrl } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';

let configured = false;

export function configureMaplibreWorker(): void {
  if (configured) return;
  setWorkerUrl(workerUrl);
  configured = true;
}
