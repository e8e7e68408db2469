// Vite builds the renderer (ARCHITECTURE §2). JSX goes through Vite's own oxc transform with the
// automatic runtime: no React plugin needed (no fast refresh, which a console does not need).
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'renderer',
  // Relative asset URLs, so the same build loads from Electron's custom protocol and over http.
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
  },
  server: {
    // `vite` in dev proxies the bridge to a running browser-mode server (`npm start -- --browser`,
    // port 7420); open the dev page with that server's `?token=`.
    proxy: { '/bridge': { target: process.env.LINKAGE_WEB_URL ?? 'http://127.0.0.1:7420', ws: true } },
  },
});
