// Writes the Secrets of the local kind overlay (deploy/k8s/overlays/local/secrets/*.env) with
// random values, once: existing files are kept, so a cluster's data stays readable across deploys.
// These files are git-ignored; production Secrets come from outside git (deploy/k8s/README.md).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './stack/paths.ts';

const dir = path.join(repoRoot, 'deploy/k8s/overlays/local/secrets');
const random = (bytes = 24) => randomBytes(bytes).toString('base64url');

function readEnv(file: string): Record<string, string> {
  if (!fs.existsSync(file)) return {};
  return Object.fromEntries(
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z][A-Z0-9_]*=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

function write(name: string, values: Record<string, string>): void {
  const file = path.join(dir, `${name}.env`);
  const existing = readEnv(file);
  const merged = { ...values, ...existing };
  // Written aside and renamed: the test run and the cluster build may render at the same time.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${Object.entries(merged).map(([k, v]) => `${k}=${v}`).join('\n')}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

fs.mkdirSync(dir, { recursive: true });
write('infrastructure', { POSTGRES_PASSWORD: random(), S3_ACCESS_KEY_ID: `MBKIND${randomBytes(7).toString('hex').toUpperCase()}`, S3_SECRET_ACCESS_KEY: random(30) });
const infra = readEnv(path.join(dir, 'infrastructure.env'));
const shared = {
  DATABASE_URL: `postgres://marketbill:${infra.POSTGRES_PASSWORD}@postgres:5432/marketbill`,
};
const internalToken = readEnv(path.join(dir, 'catalog.env')).INTERNAL_API_TOKEN ?? random(32);
const perService: Record<string, Record<string, string>> = {
  'auction-ingest': {},
  catalog: { INTERNAL_API_TOKEN: internalToken },
  // DEMO_PASSWORD: for seed-demo (`kubectl exec deploy/ordering -- node services/ordering/dist/seed-demo.js`).
  ordering: { INTERNAL_API_TOKEN: internalToken, ACCESS_TOKEN_SECRET: random(48), DEMO_PASSWORD: random(12) },
  billing: { INTERNAL_API_TOKEN: internalToken, S3_ACCESS_KEY_ID: infra.S3_ACCESS_KEY_ID as string, S3_SECRET_ACCESS_KEY: infra.S3_SECRET_ACCESS_KEY as string },
  notifier: { INTERNAL_API_TOKEN: internalToken },
};
for (const [name, values] of Object.entries(perService)) write(name, { ...shared, ...values });
process.stderr.write(`k8s-local-secrets: ${path.relative(repoRoot, dir)}/*.env ready\n`);
