// `npm run up`: the whole system on the embedded default — the local stack (real Postgres, Kafka,
// Apicurio Registry, S3Proxy), all five services built and started, the synthetic auction data
// (auction-ingest's replay source) and the demo accounts. Idempotent: what runs is reused.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureStack } from './stack/index.ts';
import { ensureJaeger } from './stack/jaeger.ts';
import { repoRoot } from './stack/paths.ts';
import { serviceCommandEnv, serviceNames, servicePort, startService } from './services.ts';

const log = (m: string) => process.stderr.write(`up: ${m}\n`);
const started = Date.now();

const infrastructure = await ensureStack();
// The trace viewer: built from its Go module on a machine's first `up` (minutes, once), then ~1 s.
const jaeger = await ensureJaeger({ log });
log(`jaeger ${jaeger.reused ? 'already running' : 'ready'}: UI ${jaeger.uiUrl}, OTLP ${jaeger.otlpEndpoint}`);
// Every service exports its traces to it (OTLP/HTTP), the seed-demo command included.
const stack = { ...infrastructure, OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpEndpoint };
log('building the services (tsc -b)');
const build = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-b'], { cwd: repoRoot, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

for (const name of serviceNames) await startService(name, stack, log);

// Demo data: a service that has a seed-demo command (idempotent) runs it once everything is up.
const demoLines: string[] = [];
for (const name of serviceNames) {
  const seed = path.join(repoRoot, 'services', name, 'dist', 'seed-demo.js');
  if (!fs.existsSync(seed)) continue;
  const result = spawnSync(process.execPath, ['--disable-warning=TimeoutNegativeWarning', seed], {
    cwd: repoRoot,
    env: serviceCommandEnv(name, stack),
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    process.stderr.write(result.stderr);
    throw new Error(`${name} seed-demo failed`);
  }
  demoLines.push(result.stdout.trim());
}

const edge = `http://127.0.0.1:${servicePort('ordering')}`;
process.stdout.write(`
MarketBill is up (${((Date.now() - started) / 1000).toFixed(1)} s).

  REST edge      ${edge}/v1
  Swagger UI     ${edge}/docs
  OpenAPI        ${edge}/openapi.json
  Traces         ${jaeger.uiUrl}  (Jaeger; npm run demo prints its order's trace)
${serviceNames.map((n) => `  ${n.padEnd(14)} http://127.0.0.1:${servicePort(n)}/health/ready`).join('\n')}

${demoLines.filter(Boolean).join('\n\n')}

Logs: .stack/logs/   Status: npm run status   Stop: npm run down
`);
