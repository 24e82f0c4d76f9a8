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
  const { INTERNAL_API_TOKEN: _shared, ...existing } = readEnv(file);
  // Kept values win (a cluster's data stays readable), except DATABASE_URL, which is derived from the
  // kept role passwords: files from before the per-service roles named the shared superuser. The one
  // INTERNAL_API_TOKEN of old is dropped: each caller has its own token per callee now.
  const merged = { ...values, ...existing, ...(values.DATABASE_URL ? { DATABASE_URL: values.DATABASE_URL } : {}) };
  // Written aside and renamed: the test run and the cluster build may render at the same time.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${Object.entries(merged).map(([k, v]) => `${k}=${v}`).join('\n')}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

fs.mkdirSync(dir, { recursive: true });
// Each service has its own Postgres role (owner of its schema only; the postgres init script makes
// them from these passwords), its own DATABASE_URL, and one internal-API token per caller and callee.
const roles = ['auction_ingest', 'catalog', 'ordering', 'billing', 'notifier'];
write('infrastructure', {
  POSTGRES_PASSWORD: random(),
  S3_ACCESS_KEY_ID: `MBKIND${randomBytes(7).toString('hex').toUpperCase()}`,
  S3_SECRET_ACCESS_KEY: random(30),
  ...Object.fromEntries(roles.map((r) => [`${r.toUpperCase()}_DB_PASSWORD`, random()])),
});
const infra = readEnv(path.join(dir, 'infrastructure.env'));
const databaseUrl = (role: string) => ({ DATABASE_URL: `postgres://${role}:${infra[`${role.toUpperCase()}_DB_PASSWORD`]}@postgres:5432/marketbill` });
const ordering = readEnv(path.join(dir, 'ordering.env'));
const tokens = {
  catalog: ordering.CATALOG_API_TOKEN ?? random(32),
  billing: ordering.BILLING_API_TOKEN ?? random(32),
  notifier: ordering.NOTIFIER_API_TOKEN ?? random(32),
};
const sealingKey = ordering.EVENT_SEALING_KEY ?? random(32);
const perService: Record<string, Record<string, string>> = {
  'auction-ingest': databaseUrl('auction_ingest'),
  catalog: { ...databaseUrl('catalog'), INTERNAL_API_CALLERS: `ordering=${tokens.catalog}` },
  ordering: {
    ...databaseUrl('ordering'),
    ACCESS_TOKEN_SECRET: random(48),
    // DEMO_PASSWORD: for seed-demo (`kubectl exec deploy/ordering -- node services/ordering/dist/seed-demo.js`).
    DEMO_PASSWORD: random(12),
    CATALOG_API_TOKEN: tokens.catalog,
    BILLING_API_TOKEN: tokens.billing,
    NOTIFIER_API_TOKEN: tokens.notifier,
    EVENT_SEALING_KEY: sealingKey,
  },
  billing: {
    ...databaseUrl('billing'),
    INTERNAL_API_CALLERS: `ordering=${tokens.billing}`,
    S3_ACCESS_KEY_ID: infra.S3_ACCESS_KEY_ID as string,
    S3_SECRET_ACCESS_KEY: infra.S3_SECRET_ACCESS_KEY as string,
  },
  notifier: { ...databaseUrl('notifier'), INTERNAL_API_CALLERS: `ordering=${tokens.notifier}`, EVENT_SEALING_KEY: sealingKey },
};
for (const [name, values] of Object.entries(perService)) write(name, values);
process.stderr.write(`k8s-local-secrets: ${path.relative(repoRoot, dir)}/*.env ready\n`);
