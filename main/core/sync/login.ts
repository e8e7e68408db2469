/** Login and logout over the hub's HTTP API; every answer is zod-checked. */
import { z } from 'zod';
import { UserSchema, type User } from '../../../shared/protocol';

export const LoginResponseSchema = z.object({ token: z.string().min(1).max(4096), user: UserSchema, expiresAt: z.number().int() });
export type Session = z.infer<typeof LoginResponseSchema>;

const ErrorBody = z.object({ code: z.string().max(64), message: z.string().max(2000) });

/**
 * A failure of the link with a code for the UI: 'unreachable' and 'protocol' are worth retrying,
 * 'unauthenticated' and 'locked_out' need the officer (a new password, or time).
 */
export class LinkError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'LinkError';
  }

  get retryable(): boolean {
    return this.code === 'unreachable' || this.code === 'protocol' || this.code === 'internal';
  }
}

export async function login(hubUrl: string, username: string, password: string, timeoutMs: number): Promise<Session> {
  let res: Response;
  try {
    res = await fetch(new URL('/api/login', hubUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    throw new LinkError('unreachable', `hub unreachable: ${causeOf(e)}`);
  }
  const body = (await res.json().catch(() => null)) as unknown;
  if (!res.ok) {
    const err = ErrorBody.safeParse(body);
    if (res.status >= 500 || !err.success) throw new LinkError(res.status >= 500 ? 'internal' : 'protocol', `login failed: HTTP ${res.status}`);
    throw new LinkError(err.data.code, err.data.message);
  }
  const ok = LoginResponseSchema.safeParse(body);
  if (!ok.success) throw new LinkError('protocol', `unreadable login answer: ${z.prettifyError(ok.error)}`);
  return ok.data;
}

/** Ends the session on the hub; a hub that is gone has nothing to end, so failures are ignored. */
export async function logout(hubUrl: string, token: string, timeoutMs: number): Promise<void> {
  await fetch(new URL('/api/logout', hubUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(timeoutMs),
  }).catch(() => undefined);
}

function causeOf(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } } | null)?.cause;
  return cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
}

export type { User };
