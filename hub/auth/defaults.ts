/**
 * Default accounts of the embedded district, created on the first start only. Passwords are
 * random, printed once, stored hashed; never a fixed password in the code.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { HubCore } from '../core';
import type { NewUser } from './users';
import { generatePassword } from './passwords';

export interface DefaultCredentials {
  accounts: Array<{ username: string; password: string; role: string; displayName: string }>;
  /** API keys of the source endpoints (X-Api-Key), made on the same first start. */
  sourceKeys: Record<string, string>;
}

/** 莘庄镇: the sub-center account shows what a scoped officer sees. */
const XINZHUANG = '310112101';

const ACCOUNTS: Array<Omit<NewUser, 'password'>> = [
  { username: 'officer', displayName: '区中心值班员', role: 'officer' },
  { username: 'coordinator', displayName: '区指挥长', role: 'coordinator' },
  { username: 'xinzhuang', displayName: '莘庄镇分中心值班员', role: 'officer', subdistricts: [XINZHUANG] },
  { username: 'enforcement', displayName: '城管执法局联络员', role: 'liaison', departmentCode: 'enforcement' },
  { username: 'greening', displayName: '绿化市容局联络员', role: 'liaison', departmentCode: 'greening' },
  { username: 'supervisor', displayName: '区领导', role: 'supervisor' },
  { username: 'wall', displayName: '指挥大厅大屏', role: 'wall' },
  { username: 'admin', displayName: '系统管理员', role: 'admin' },
];

export async function createDefaultAccounts(core: HubCore, sourceKeys: Record<string, string> | null, credentialsFile: string | null, log: (m: string) => void): Promise<DefaultCredentials | null> {
  // The simulator's own users (sim-*, made by a generated history) are not people: a store
  // with only them still needs its accounts.
  if ((await core.users.countPeople()) > 0) return null;
  const accounts = await Promise.all(ACCOUNTS.map(async (a) => {
    const password = generatePassword();
    await core.users.create({ ...a, password });
    return { username: a.username, password, role: a.role, displayName: a.displayName };
  }));
  log('default accounts created; their passwords are shown this once:');
  for (const a of accounts) log(`  ${a.username.padEnd(12)} ${a.role.padEnd(11)} ${a.password}`);
  for (const [source, key] of Object.entries(sourceKeys ?? {})) log(`  source ${source.padEnd(8)} X-Api-Key: ${key}`);
  const credentials = { accounts, sourceKeys: sourceKeys ?? {} };
  if (credentialsFile) {
    fs.mkdirSync(path.dirname(credentialsFile), { recursive: true });
    fs.writeFileSync(credentialsFile, JSON.stringify(credentials, null, 2), { mode: 0o600 });
    log(`  (also written to ${credentialsFile}, readable by this OS user only)`);
  }
  return credentials;
}
