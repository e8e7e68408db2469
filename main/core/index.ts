/** The app core's public face: what main/electron and main/web import. */
export type { CoreApi, CoreMethod } from './api';
export { CORE_METHODS } from './api';
export { Core, userFolder, type CoreHooks, type CoreInternals } from './core';
export { CoreClient, type ChildLike, type HostOptions } from './host/client';
export * from './model';
export { checksumOf, entityChecksum } from './replica/checksum';
