/** The embedded hub's first-start credentials file (0600), read by the shells for the default sign-in. */
import fs from 'node:fs';
import { CredentialsFileSchema, type Credentials } from './session';

export function readCredentials(file: string | null): Credentials | null {
  if (!file || !fs.existsSync(file)) return null;
  return CredentialsFileSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
}
