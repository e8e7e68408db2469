/**
 * JSON text for the windows' wire (issue 5). Chromium turns a WebSocket text message that is
 * all ASCII into a string several times faster than one with other characters (measured on
 * 5.4 MB of case rows with Chinese addresses: ~85 ms against ~320 ms on the page's main thread,
 * in software on this project's 2-core machines), so what is large goes with every other
 * character as a JSON escape (`\u` and four hex digits): the same JSON value, parsed to the same strings.
 */
export function asciiJson(text: string): string {
  return text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
