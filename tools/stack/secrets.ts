// Secrets this checkout generates once and keeps in .stack/secrets.json (mode 600, git-ignored):
// the `${secret:NAME}` values of services' local.env files and the services' database passwords.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { stackDir } from './paths.ts';

const secretsFile = path.join(stackDir, 'secrets.json');

function secrets(): Record<string, string> {
  try {
    return JSON.parse(fs.readFileSync(secretsFile, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

/** The secret named `name`: made (256 random bits, base64url) on first use, the same value after. */
export function secret(name: string): string {
  const all = secrets();
  if (!all[name]) {
    all[name] = randomBytes(32).toString('base64url');
    fs.mkdirSync(stackDir, { recursive: true });
    fs.writeFileSync(secretsFile, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  }
  return all[name] as string;
}
