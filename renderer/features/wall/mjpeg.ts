/**
 * MJPEG (multipart/x-mixed-replace of JPEG frames) split into frames, from the bytes of a fetch.
 * Reading the stream ourselves, rather than through <img src>, lets a tile know each frame (a
 * stalled camera is noticed), close the connection when it goes away, and draw on a canvas.
 * A part's Content-Length is used when given; otherwise a frame runs from the JPEG start marker
 * (FF D8) to the end marker (FF D9), which cannot occur inside the entropy-coded data.
 */

/** A stream that sends this much without a frame is not MJPEG: give up on it. */
export const MAX_PENDING = 8 * 1024 * 1024;

export class MjpegParser {
  private buf = new Uint8Array(64 * 1024);
  private len = 0;
  /** Bytes still expected for a part whose Content-Length was announced. */
  private expect: number | null = null;

  /** The complete frames this chunk finishes (each a copy). Throws when the data is not MJPEG. */
  push(chunk: Uint8Array): Uint8Array[] {
    this.append(chunk);
    const frames: Uint8Array[] = [];
    for (;;) {
      const f = this.next();
      if (!f) break;
      frames.push(f);
    }
    if (this.len > MAX_PENDING) throw new Error('no JPEG frame in 8 MB: not an MJPEG stream');
    return frames;
  }

  private append(chunk: Uint8Array): void {
    if (this.len + chunk.length > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + chunk.length));
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
  }

  private drop(n: number): void {
    this.buf.copyWithin(0, n, this.len);
    this.len -= n;
  }

  private next(): Uint8Array | null {
    const b = this.buf;
    if (this.expect !== null) {
      if (this.len < this.expect) return null;
      const frame = b.slice(0, this.expect);
      this.drop(this.expect);
      this.expect = null;
      return frame[0] === 0xff && frame[1] === 0xd8 ? frame : this.next();
    }
    const soi = indexOf2(b, this.len, 0xff, 0xd8, 0);
    if (soi < 0) {
      // Keep the tail: it may hold part headers, or an FF whose D8 is in the next chunk.
      const headersEnd = indexOfCrlf2(b, this.len);
      if (headersEnd >= 0) {
        const length = contentLength(b.subarray(0, headersEnd));
        if (length !== null) {
          this.drop(headersEnd + 4);
          this.expect = length;
          return this.next();
        }
      }
      if (this.len > 4096 && headersEnd < 0) this.drop(this.len - 1);
      return null;
    }
    // Headers before the frame may announce its length.
    const head = b.subarray(0, soi);
    const length = contentLength(head);
    if (length !== null && length > 0) {
      this.drop(soi);
      this.expect = length;
      return this.next();
    }
    const eoi = indexOf2(b, this.len, 0xff, 0xd9, soi + 2);
    if (eoi < 0) {
      if (soi > 0) this.drop(soi);
      return null;
    }
    const frame = b.slice(soi, eoi + 2);
    this.drop(eoi + 2);
    return frame;
  }
}

function indexOf2(b: Uint8Array, len: number, x: number, y: number, from: number): number {
  for (let i = b.indexOf(x, from); i >= 0 && i < len - 1; i = b.indexOf(x, i + 1)) {
    if (b[i + 1] === y) return i;
  }
  return -1;
}

function indexOfCrlf2(b: Uint8Array, len: number): number {
  for (let i = b.indexOf(13); i >= 0 && i < len - 3; i = b.indexOf(13, i + 1)) {
    if (b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) return i;
  }
  return -1;
}

const decoder = new TextDecoder('latin1');

/** The last Content-Length among these header lines, if any. */
function contentLength(head: Uint8Array): number | null {
  if (head.length === 0 || head.length > 4096) return null;
  const text = decoder.decode(head);
  const all = [...text.matchAll(/content-length:\s*(\d+)/gi)];
  const m = all[all.length - 1];
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) && n > 0 && n < MAX_PENDING ? n : null;
}
