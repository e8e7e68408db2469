/** scrypt password hashing (node:crypto); comparison in constant time. */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

const KEYLEN = 64;
// N=2^14 keeps a login under ~50 ms here while costing an attacker the memory scrypt is for.
const PARAMS = { N: 16384, r: 8, p: 1 };

export function hashPassword(password: string): { salt: string; hash: string } {
  const salt = randomBytes(16).toString('hex');
  return { salt, hash: scryptSync(password, salt, KEYLEN, PARAMS).toString('hex') };
}

export function checkPassword(password: string, salt: string, hash: string): boolean {
  const got = scryptSync(password, salt, KEYLEN, PARAMS);
  const want = Buffer.from(hash, 'hex');
  return want.length === got.length && timingSafeEqual(got, want);
}

/** A password for a default account: printed once, stored only hashed. */
export function generatePassword(): string {
  return randomBytes(12).toString('base64url');
}
