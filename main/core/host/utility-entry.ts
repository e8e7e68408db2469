/**
 * Entry of the core inside an Electron utility process: maps `process.parentPort` onto the
 * `process.send` / 'message' pair that entry.ts speaks, then runs it unchanged.
 */
interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const port = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!port) {
  console.error('utility-entry must run in an Electron utility process');
  process.exit(2);
}
Object.defineProperty(process, 'connected', { value: true, configurable: true });
process.send = ((message: unknown) => {
  port.postMessage(message);
  return true;
}) as typeof process.send;
port.on('message', (e) => process.emit('message', e.data as never, undefined as never));

await import('./entry');

export {};
