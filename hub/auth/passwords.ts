/** scrypt password hashing (node:crypto), off the event loop; comparison in constant time. */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEYLEN = 64;
// N=2^14 keeps a login under ~50 ms here while costing an attacker the memory scrypt is for.
const PARAMS = { N: 16384, r: 8, p: 1 };

/** libuv's thread pool runs it: 40 logins at once no longer stall every socket of the hub. */
function derive(password: string, salt: string, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, KEYLEN, opts, (e, key) => (e ? reject(e) : resolve(key))));
}

export async function hashPassword(password: string): Promise<{ salt: string; hash: string }> {
  const salt = randomBytes(16).toString('hex');
  return { salt, hash: (await derive(password, salt, PARAMS)).toString('hex') };
}

export async function checkPassword(password: string, salt: string, hash: string): Promise<boolean> {
  const got = await derive(password, salt, PARAMS);
  const want = Buffer.from(hash, 'hex');
  return want.length === got.length && timingSafeEqual(got, want);
}

/** A password for a default account: printed once, stored only hashed. */
export function generatePassword(): string {
  return randomBytes(12).toString('base64url');
}
