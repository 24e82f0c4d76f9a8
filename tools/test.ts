// `npm test`: the whole test suite, as CI runs it.
//   0. Debian packages the tests call (poppler-utils), installed with apt when missing and root
//   1. the local stack (real Postgres, Kafka, Apicurio Registry, S3Proxy), started if not running;
//      an external stack is used instead when its settings are in the environment
//   2. static checks: TypeScript build of every workspace, ESLint (architecture boundaries
//      included), generated schema code up to date, schema compatibility against the registry,
//      deployment files rendered and validated offline
//   3. Jest: unit and integration tests (`npm test -- <jest args>` passes arguments to Jest)
//   4. Jest: the short fault suite (tests/faults/*.fault.test.ts), alone, after everything else: it
//      stops and kills the stack's own servers, which would break tests running beside it. Only
//      against this checkout's local stack (an external one cannot be stopped from here).
// MB_TEST_SKIP_CHECKS=1 skips step 2 while iterating on one test; MB_TEST_SKIP_FAULTS=1 skips step 4.
import { spawnSync } from 'node:child_process';
import { dockerEngineAnswers, startContainers } from './stack/containers.ts';
import { ensureDebianPackages, type DebianPackage } from './stack/debian.ts';
import { ensureStack } from './stack/index.ts';
import { ensureJaeger } from './stack/jaeger.ts';
import { repoRoot } from './stack/paths.ts';

function run(title: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  process.stderr.write(`\n▶ ${title}\n`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit', env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    process.stderr.write(`✖ ${title} failed after ${seconds}s\n`);
    process.exit(result.status ?? 1);
  }
  process.stderr.write(`✔ ${title} (${seconds}s)\n`);
}

// Tools the tests run besides the stack: pdftotext/pdftoppm read statement PDFs back.
const testTools: DebianPackage[] = [{ name: 'poppler-utils', provides: 'pdftotext' }];
await ensureDebianPackages('test tools', testTools, (m) => process.stderr.write(`${m}\n`));

const jestArgs = process.argv.slice(2);
// MB_STACK: local (processes, the default without Docker), containers (testcontainers), or auto.
const mode = process.env.MB_STACK ?? 'auto';
const useContainers = mode === 'containers' || (mode === 'auto' && !process.env.KAFKA_BROKERS && dockerEngineAnswers());
const externalStack = Boolean(process.env.KAFKA_BROKERS && process.env.SCHEMA_REGISTRY_URL && process.env.DATABASE_URL && process.env.S3_ENDPOINT);
const stack = useContainers ? await startContainers((m) => process.stderr.write(`stack: ${m}\n`)) : await ensureStack({ fast: true });
// The fault suite may stop and start the stack's servers only when they are this checkout's own.
const stackControl = !useContainers && !externalStack ? 'local' : 'none';
// The stack's Jaeger, for the one test that proves it receives and serves a trace
// (tests/stack/jaeger.int.test.ts). The system tests collect spans with their own small receiver.
// Building the binary is a one-off per machine (machine-wide cache); starting it takes a second.
const jaeger = await ensureJaeger({ log: (m) => process.stderr.write(`stack: ${m}\n`) });
// kafkajs 2.2.4 schedules a timer with a negative delay (its request queue starts "throttled until
// -1"); Node ≥ 23 warns on every client. The timer works (Node uses 1 ms); see docs/local-stack.md.
const env = {
  ...process.env,
  ...stack,
  MB_STACK_CONTROL: stackControl,
  MB_JAEGER_QUERY_URL: jaeger.uiUrl,
  MB_JAEGER_OTLP_ENDPOINT: jaeger.otlpEndpoint,
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --disable-warning=TimeoutNegativeWarning`.trim(),
};

if (process.env.MB_TEST_SKIP_CHECKS !== '1') {
  run('TypeScript build (tsc -b)', 'node', ['node_modules/typescript/bin/tsc', '-b'], env);
  run('ESLint', 'node', ['node_modules/eslint/bin/eslint.js', '.', '--max-warnings=0'], env);
  run('Internal API documents match their owners’ route declarations', 'node', ['schemas/tools/internal-apis.mts', '--check'], env);
  run('Generated schema code is up to date', 'node', ['schemas/tools/generate.mts', '--check'], env);
  run('The edge’s OpenAPI document is valid OpenAPI 3.1 (independent validator)', 'node', ['services/ordering/tools/check-openapi.mts'], env);
  run('Schema changes are compatible (asked of the registry)', 'node', ['packages/messaging/dist/cli/check-schemas.js'], env);
  run('Deployment files render and validate offline (kustomize, Kubernetes schemas, skaffold schema, Dockerfiles)', 'node', ['tools/validate-deploy.ts'], env);
}
// With a pattern, one of the two runs may find nothing to run; that is not a failure.
const someTests = jestArgs.length > 0 ? ['--passWithNoTests'] : [];
run('Jest: unit and integration tests', 'node', ['node_modules/jest/bin/jest.js', '--ci', '--selectProjects', 'unit', 'integration', ...someTests, ...jestArgs], env);
if (process.env.MB_TEST_SKIP_FAULTS === '1') {
  process.stderr.write('\n(fault suite skipped: MB_TEST_SKIP_FAULTS=1)\n');
} else if (stackControl !== 'local') {
  process.stderr.write('\n(fault suite skipped: the stack is not this checkout’s own, so its servers cannot be stopped from here)\n');
} else {
  run('Jest: the fault suite (stops and kills the stack’s servers; runs alone)', 'node', ['node_modules/jest/bin/jest.js', '--ci', '--selectProjects', 'faults', '--runInBand', '--passWithNoTests', ...jestArgs], env);
}
