// `npm run contracts:generate`: writes each owner's internal OpenAPI document,
// schemas/<owner>/internal-api.openapi.json, from the owner's route declarations (compiled: it
// builds the owners first), then regenerates the callers' types from the documents
// (generate.mts → src/internal-apis/<owner>.ts).
// `--check` (npm test, after `tsc -b`) writes nothing and fails when a committed document no
// longer matches what the owner's code declares. Either way each document must be valid OpenAPI 3.1
// by an independent validator (@seriousme/openapi-schema-validator, as for the edge's document).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';

const schemasRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(schemasRoot, '..');
const check = process.argv.includes('--check');
const require = createRequire(import.meta.url);

/** Each internal API: its owner and the compiled module that builds its document without I/O. */
const OWNERS = [
  { owner: 'billing', module: 'services/billing/dist/entry-points/http/internal-router.js' },
  { owner: 'catalog', module: 'services/catalog/dist/entry-points/http/catalog-router.js' },
  { owner: 'notifier', module: 'services/notifier/dist/entry-points/http/deliveries-router.js' },
] as const;

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!check) run(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-b', ...OWNERS.map((o) => `services/${o.owner}`)]);

let stale = 0;
for (const { owner, module } of OWNERS) {
  const { internalApiDocument } = require(join(repoRoot, module)) as { internalApiDocument(): unknown };
  const document = internalApiDocument();
  const validator = new Validator();
  const result = await validator.validate(structuredClone(document) as object);
  if (!result.valid || validator.version !== '3.1') {
    console.error(`contracts: ${owner}'s internal API document is not valid OpenAPI 3.1 (validator read ${validator.version}):\n${JSON.stringify(result.errors, null, 2)}`);
    process.exit(1);
  }
  const text = `${JSON.stringify(document, null, 2)}\n`;
  const path = join(schemasRoot, owner, 'internal-api.openapi.json');
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    /* first run */
  }
  if (current === text) continue;
  if (check) {
    console.error(`contracts: schemas/${owner}/internal-api.openapi.json no longer matches ${owner}'s route declarations; run npm run contracts:generate (and commit the document and src/internal-apis/${owner}.ts)`);
    stale++;
  } else {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    console.log(`contracts: wrote schemas/${owner}/internal-api.openapi.json`);
  }
}
if (check) {
  if (stale === 0) console.log(`contracts: ${OWNERS.length} internal API documents match their owners' code`);
  process.exit(stale > 0 ? 1 : 0);
}
run(process.execPath, [join(schemasRoot, 'tools', 'generate.mts')]);
