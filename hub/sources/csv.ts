/**
 * A small RFC 4180 reader for the hotline's CSV exports: comma-separated, records end with LF or
 * CRLF, fields in double quotes may hold commas, quotes ("") and line breaks. Each record keeps
 * the line it starts on, so a bad one is reported where the sender can find it; a malformed
 * record does not stop the ones after it (the reader resumes at the next line break).
 */

export type CsvRecord =
  | { line: number; fields: string[]; error?: undefined }
  | { line: number; error: string; fields?: undefined };

export function parseCsv(input: string): CsvRecord[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const out: CsvRecord[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;

  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let error: string | null = null;
    // One record.
    for (;;) {
      let value = '';
      if (text[i] === '"') {
        i++;
        let closed = false;
        while (i < n) {
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') { value += '"'; i += 2; continue; }
            i++;
            closed = true;
            break;
          }
          if (c === '\n') line++;
          value += c;
          i++;
        }
        if (!closed) { error = `unterminated quoted field (opened on line ${start})`; break; }
        if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          error = `unexpected character after a closing quote in field ${fields.length + 1}`;
          break;
        }
      } else {
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          if (text[i] === '"') { error = `stray quote inside unquoted field ${fields.length + 1}`; break; }
          value += text[i];
          i++;
        }
        if (error) break;
      }
      fields.push(value);
      if (i >= n) break;
      if (text[i] === ',') { i++; continue; }
      // End of record: LF, CRLF or a lone CR.
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      line++;
      break;
    }
    if (error) {
      // Resume after the next line break so one bad record costs only itself.
      while (i < n && text[i] !== '\n') i++;
      if (i < n) { i++; line++; }
      out.push({ line: start, error });
      continue;
    }
    if (fields.length === 1 && fields[0] === '') continue; // blank line
    out.push({ line: start, fields });
  }
  return out;
}
