/** A small JSON-over-HTTP router: size-limited bodies, zod-checked, errors as `{code, message}`. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { DomainError, toErrorInfo, type ErrorCode } from '../../shared/domain/errors';

export const MAX_BODY = 5 * 1024 * 1024;

const STATUS: Partial<Record<ErrorCode, number>> = {
  invalid_input: 400, unauthenticated: 401, locked_out: 429, forbidden: 403, out_of_scope: 403,
  not_found: 404, conflict: 409, internal: 500,
};

export function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(text);
}

export function sendError(res: ServerResponse, e: unknown): void {
  const info = toErrorInfo(e);
  send(res, STATUS[info.code] ?? 400, info);
}

export async function readBody(req: IncomingMessage, limit = MAX_BODY): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new DomainError('invalid_input', `body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DomainError('invalid_input', 'body is not valid JSON');
  }
}

export function bearer(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : null;
}

export type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

/** A GET's query checked against `schema`; a parameter given twice or a bad value is `invalid_input`. */
export function parseQuery<T extends z.ZodType>(schema: T, url: URL): z.output<T> {
  const raw: Record<string, string> = {};
  for (const [k, v] of url.searchParams) {
    if (k in raw) throw new DomainError('invalid_input', `parameter ${k} given twice`);
    raw[k] = v;
  }
  const r = schema.safeParse(raw);
  if (!r.success) throw new DomainError('invalid_input', z.prettifyError(r.error));
  return r.data;
}
