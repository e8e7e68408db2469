// Vite's `?url` import of maplibre's worker module (see worker.ts). Declared for this one path so
// it cannot clash with vite/client's wildcard `*?url` should the app add those types.
declare module 'maplibre-gl/dist/maplibre-gl-worker.mjs?url' {
  const url: string;
  export default url;
}
