/**
 * Ingestion endpoints of the networks ("many networks in one"): each source posts its records
 * with its own API key, and each record becomes a `case.report` by that source's system actor.
 *
 *   POST /api/sources/hotline      12345 work orders, JSON array or {orders: [...]}
 *   POST /api/sources/hotline/csv  the same as text/csv with a header row (UTF-8, BOM optional; charset=gb18030 also read)
 *   POST /api/sources/patrol       patrol reports, JSON array, {reports: [...]} or one object
 *   POST /api/sources/video        video-AI alarms, JSON array, {alarms: [...]} or one object
 *   POST /api/sources/police       110 referrals, JSON array, {referrals: [...]} or one object
 *   POST /api/sources/cap          one CAP 1.2 alert, XML
 *
 * Answer 200: {accepted, duplicates, rejected, skipped, advisories?}; `line` is the CSV line a
 * record starts on, or the 1-based position of a record in a JSON batch (1 for a CAP alert).
 * Refusals of the whole request: 401 unauthenticated (missing or wrong X-Api-Key), 413 body too
 * large, 415 wrong content type, 400 body that cannot be read (bad JSON/CSV header/XML, too many
 * records). Errors are `{code, message}`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HubCore } from '../core';
import { send, type Route } from '../transport/http';
import { DomainError } from '../../shared/domain/errors';
import type { LngLat } from '../../shared/protocol';
import { checkKey, type KeyedSource } from './keys';
import { emptyResult, externalRefOf, caseByExternalRef, ingest, type Draft, type IngestResult } from './ingest';
import { HOTLINE_FIELDS, hotlineDraft, patrolDraft, policeDraft, videoDraft } from './adapters';
import { parseCsv } from './csv';
import { decideCap, NotCapError, readCap } from './cap';

/** Bodies larger than this are refused before parsing (413). */
export const SOURCE_BODY_LIMIT: Record<'json' | 'csv' | 'xml', number> = { json: 2 * 1024 * 1024, csv: 5 * 1024 * 1024, xml: 1024 * 1024 };
/** Records per request: a request is answered only when all of them are committed, so it stays short. */
export const MAX_RECORDS = 1000;

const MEDIA: Record<'json' | 'csv' | 'xml', { accept: RegExp; name: string }> = {
  json: { accept: /^application\/(?:[\w.+-]+\+)?json$/, name: 'application/json' },
  csv: { accept: /^(?:text|application)\/csv$/, name: 'text/csv' },
  xml: { accept: /^(?:application|text)\/(?:[\w.+-]+\+)?xml$/, name: 'application/xml (or application/cap+xml)' },
};

class HttpRefusal extends Error {
  constructor(readonly status: number, readonly code: 'invalid_input' | 'unauthenticated', message: string) {
    super(message);
  }
}

function contentType(req: IncomingMessage): { type: string; charset: string } {
  const [type = '', ...params] = (req.headers['content-type'] ?? '').split(';').map((s) => s.trim());
  const cs = params.find((p) => /^charset=/i.test(p))?.slice(8).replace(/^"|"$/g, '').toLowerCase() ?? 'utf-8';
  return { type: type.toLowerCase(), charset: cs };
}

async function readRaw(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new HttpRefusal(413, 'invalid_input', `body larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpRefusal(413, 'invalid_input', `body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function decode(buf: Buffer, charset: string): string {
  const label = charset === 'utf8' ? 'utf-8' : charset;
  if (!['utf-8', 'gb18030', 'gbk', 'gb2312'].includes(label)) throw new HttpRefusal(415, 'invalid_input', `charset ${charset} is not accepted (utf-8 or gb18030)`);
  try {
    return new TextDecoder(label, { fatal: true }).decode(buf);
  } catch {
    throw new HttpRefusal(400, 'invalid_input', `the body is not valid ${label}`);
  }
}

/** A JSON batch: an array, `{<listKey>: [...]}`, or (where allowed) a single record. */
function recordsOf(body: unknown, listKey: string, single: boolean): unknown[] {
  if (Array.isArray(body)) return body;
  if (typeof body === 'object' && body !== null) {
    const list = (body as Record<string, unknown>)[listKey];
    if (Array.isArray(list)) return list;
    if (single && list === undefined) return [body];
  }
  throw new HttpRefusal(400, 'invalid_input', `expected a JSON array of records or {"${listKey}": [...]}${single ? ' or one record' : ''}`);
}

function limitCount(n: number): void {
  if (n > MAX_RECORDS) throw new HttpRefusal(400, 'invalid_input', `${n} records in one request; at most ${MAX_RECORDS}`);
}

type Handler = (text: string) => Promise<IngestResult>;

function endpoint(core: HubCore, source: KeyedSource, kind: 'json' | 'csv' | 'xml', handle: Handler): Route {
  return async (req: IncomingMessage, res: ServerResponse) => {
    try {
      if (!(await checkKey(core, source, req.headers['x-api-key']))) throw new HttpRefusal(401, 'unauthenticated', `missing or wrong X-Api-Key for source ${source}`);
      const ct = contentType(req);
      if (!MEDIA[kind].accept.test(ct.type)) throw new HttpRefusal(415, 'invalid_input', `content type ${ct.type || '(none)'}; send ${MEDIA[kind].name}`);
      const text = decode(await readRaw(req, SOURCE_BODY_LIMIT[kind]), ct.charset);
      send(res, 200, await handle(text));
    } catch (e) {
      if (!(e instanceof HttpRefusal)) throw e;
      // The body may be unread (refused before reading): close rather than leave it on the wire.
      req.resume();
      res.setHeader('connection', 'close');
      send(res, e.status, { code: e.code, message: e.message });
    }
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new HttpRefusal(400, 'invalid_input', `body is not valid JSON: ${(e as Error).message}`);
  }
}

function jsonBatch(core: HubCore, source: KeyedSource, listKey: string, draft: (raw: unknown) => Draft): Handler {
  return async (text) => {
    const list = recordsOf(parseJson(text), listKey, true);
    limitCount(list.length);
    return ingest(core, source, list.map((raw, i) => ({ line: i + 1, draft: () => draft(raw) })), emptyResult());
  };
}

/** Header names of Chinese exports, besides the field names themselves. */
const HOTLINE_HEADER_ALIASES: Record<string, (typeof HOTLINE_FIELDS)[number]> = {
  工单编号: 'orderNo', 工单号: 'orderNo', 分类编码: 'category', 类别编码: 'category', 紧急程度: 'urgency',
  经度: 'lng', 纬度: 'lat', 地址: 'address', 来电人: 'caller', 诉求内容: 'content', 内容: 'content', 受理时间: 'receivedAt',
};
const REQUIRED_HOTLINE_COLUMNS = ['orderNo', 'category', 'lng', 'lat', 'address', 'content', 'receivedAt'] as const;

function hotlineCsv(core: HubCore): Handler {
  return async (text) => {
    const rows = parseCsv(text);
    const header = rows[0];
    if (!header) throw new HttpRefusal(400, 'invalid_input', 'empty CSV: expected a header row');
    if (header.error !== undefined) throw new HttpRefusal(400, 'invalid_input', `header row: ${header.error}`);
    const columns = header.fields.map((h) => {
      const name = h.trim();
      return (HOTLINE_FIELDS as readonly string[]).includes(name) ? name : HOTLINE_HEADER_ALIASES[name] ?? null;
    });
    const seen = columns.filter((c): c is string => c !== null);
    const twice = seen.find((c, i) => seen.indexOf(c) !== i);
    if (twice) throw new HttpRefusal(400, 'invalid_input', `column ${twice} appears twice in the header`);
    const missing = REQUIRED_HOTLINE_COLUMNS.filter((c) => !seen.includes(c));
    if (missing.length) throw new HttpRefusal(400, 'invalid_input', `header lacks column(s) ${missing.join(', ')}`);
    const body = rows.slice(1);
    limitCount(body.length);
    return ingest(core, 'hotline', body.map((row) => ({
      line: row.line,
      draft: (): Draft => {
        if (row.error !== undefined) return { kind: 'reject', code: 'invalid_input', message: row.error };
        if (row.fields.length !== columns.length) {
          return { kind: 'reject', code: 'invalid_input', message: `${row.fields.length} fields, the header has ${columns.length}` };
        }
        const rec: Record<string, string> = {};
        columns.forEach((c, i) => { if (c) rec[c] = row.fields[i]!; });
        return hotlineDraft(rec);
      },
    })), emptyResult());
  };
}

function capAlert(core: HubCore): Handler {
  return async (text) => {
    let read;
    try {
      read = readCap(text);
    } catch (e) {
      if (e instanceof NotCapError) throw new HttpRefusal(400, 'invalid_input', e.message);
      throw e;
    }
    const out = emptyResult(true);
    const inDistrict = (p: LngLat) => {
      try {
        core.rules.locate(p);
        return true;
      } catch (e) {
        if (e instanceof DomainError) return false;
        throw e;
      }
    };
    const draft = (): Draft => read.ok
      ? decideCap(read.alert, (id) => caseByExternalRef(core, externalRefOf('cap', id)), inDistrict)
      : { kind: 'reject', ref: read.identifier, code: 'invalid_input', message: read.message };
    return ingest(core, 'cap', [{ line: 1, draft }], out);
  };
}

export function* sourceRoutes(core: HubCore): Iterable<[string, Route]> {
  yield ['POST /api/sources/hotline', endpoint(core, 'hotline', 'json', jsonBatch(core, 'hotline', 'orders', hotlineDraft))];
  yield ['POST /api/sources/hotline/csv', endpoint(core, 'hotline', 'csv', hotlineCsv(core))];
  yield ['POST /api/sources/patrol', endpoint(core, 'patrol', 'json', jsonBatch(core, 'patrol', 'reports', patrolDraft))];
  yield ['POST /api/sources/video', endpoint(core, 'video', 'json', jsonBatch(core, 'video', 'alarms', (raw) => videoDraft(core, raw)))];
  yield ['POST /api/sources/police', endpoint(core, 'police', 'json', jsonBatch(core, 'police', 'referrals', policeDraft))];
  yield ['POST /api/sources/cap', endpoint(core, 'cap', 'xml', capAlert(core))];
}
