// Offline validation of the deployment files (run by `npm test`; no cluster needed):
//   1. every kustomize overlay renders (kustomize v5 from the Go module proxy, cached in .cache/go)
//   2. the rendered manifests pass Kubernetes JSON-schema validation in strict mode
//      (kubernetes-validate from PyPI, in .cache/venv) for the Kubernetes version we target
//   3. skaffold.yaml validates against skaffold's own JSON schema for its apiVersion (taken from
//      the skaffold Go module on the module proxy); when a skaffold binary is in .cache/go/bin,
//      `skaffold diagnose --yaml-only` and `skaffold render --offline` run too
//   4. every service Dockerfile keeps the rules: pinned Node 24 base, multi-stage, non-root, healthcheck,
//      no test code in the image
//   5. what a render shows of a broken first deploy (tools/deploy-checks.ts): production images that
//      skaffold could not substitute, ConfigMaps whose edits would not roll pods, an autoscaler
//      fighting a replica count or scaling on a meaningless CPU point, missing egress policies,
//      kind infrastructure on other versions than the local stack, read-only roots without their
//      writable folders, statement links presigned for an address the laptop cannot reach
//   6. each service's environment in each overlay (ConfigMaps, Secrets; production's Secrets from
//      their documented examples) holds only keys the service reads, no secret in a ConfigMap, every
//      file it names mounted, and passes the service's own configuration parser
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { checkCommon, checkDockerfileDropsTestCode, checkLocal, checkProduction, checkServiceEnvironments, type K8sObject, type ServiceConfig } from './deploy-checks.ts';
import { ensureKustomize, ensureSkaffold, findSkaffold, goModuleDir, SKAFFOLD_MODULE } from './deploy-tools.ts';
import { jaegerImageTag } from './stack/jaeger.ts';
import { pomProperty } from './stack/maven.ts';
import { repoRoot } from './stack/paths.ts';

const KUBERNETES_VALIDATE = 'kubernetes-validate==1.37.0';
// The version `npm run cluster` runs (tools/cluster/settings.ts).
const KUBERNETES_VERSION = '1.34';
const cache = path.join(repoRoot, '.cache');
const venv = path.join(cache, 'venv');

function sh(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {}): string {
  const r = spawnSync(command, args, { cwd: options.cwd ?? repoRoot, env: options.env ?? process.env, input: options.input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function step(title: string, fn: () => void): void {
  const started = Date.now();
  fn();
  process.stderr.write(`  ✓ ${title} (${((Date.now() - started) / 1000).toFixed(1)}s)\n`);
}

function ensureVenv(): string {
  const python = path.join(venv, 'bin', 'python');
  if (!fs.existsSync(path.join(venv, 'bin', 'kubernetes-validate'))) {
    if (!fs.existsSync(python)) sh('python3', ['-m', 'venv', venv]);
    sh(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', KUBERNETES_VALIDATE]);
  }
  return python;
}

function skaffoldSchema(apiVersion: string): string {
  const dir = goModuleDir(SKAFFOLD_MODULE);
  const file = path.join(dir, 'docs-v2', 'content', 'en', 'schemas', `${apiVersion.replace('skaffold/', '')}.json`);
  if (!fs.existsSync(file)) throw new Error(`skaffold ${SKAFFOLD_MODULE} has no schema for ${apiVersion}`);
  return file;
}

/** YAML documents as objects (PyYAML from the venv: the project has no YAML library of its own). */
function parseYaml(python: string, text: string): unknown[] {
  const toJson = 'import json, sys, yaml\nprint(json.dumps([d for d in yaml.safe_load_all(sys.stdin) if d]))';
  return JSON.parse(sh(python, ['-c', toJson], { input: text })) as unknown[];
}

function failOn(problems: string[]): void {
  if (problems.length > 0) throw new Error(`\n  - ${problems.join('\n  - ')}`);
}

const overlays = ['local', 'production'] as const;
process.stderr.write('validate-deploy:\n');
sh(process.execPath, ['tools/k8s-local-secrets.ts']);
const kustomize = ensureKustomize();
const python = ensureVenv();
const rendered: Record<string, K8sObject[]> = {};
for (const overlay of overlays) {
  let text = '';
  step(`kustomize build deploy/k8s/overlays/${overlay}`, () => {
    text = sh(kustomize, ['build', `deploy/k8s/overlays/${overlay}`]);
  });
  step(`kubernetes-validate --strict (Kubernetes ${KUBERNETES_VERSION}) on ${overlay}`, () => {
    sh(path.join(venv, 'bin', 'kubernetes-validate'), ['-k', KUBERNETES_VERSION, '--strict', '-'], { input: text });
  });
  rendered[overlay] = parseYaml(python, text) as K8sObject[];
}

const skaffoldConfig = parseYaml(python, fs.readFileSync(path.join(repoRoot, 'skaffold.yaml'), 'utf8'))[0] as {
  build: { artifacts: { image: string }[] };
  portForward?: { resourceName: string; localPort: number }[];
};
const artifacts = skaffoldConfig.build.artifacts.map((a) => a.image);
step('production: images are skaffold artifacts, default-deny NetworkPolicies with egress allowed', () => failOn(checkProduction(rendered.production!, artifacts)));
step('both overlays: generated ConfigMaps, autoscaler vs replicas and its scale point, pinned images', () =>
  failOn([...checkCommon(rendered.local!, artifacts).map((p) => `local: ${p}`), ...checkCommon(rendered.production!, artifacts).map((p) => `production: ${p}`)]),
);
step('local (kind): the local stack’s versions, writable folders, the registry restarted when its start failed, presigned links reachable', () => {
  const versions = { kafka: pomProperty('kafka', 'kafka.version'), apicurio: pomProperty('apicurio', 'apicurio.version'), s3proxy: pomProperty('s3proxy', 's3proxy.version'), postgresMajor: '15', jaeger: jaegerImageTag };
  const s3Forwards = (skaffoldConfig.portForward ?? []).filter((f) => f.resourceName === 's3').map((f) => f.localPort);
  failOn(checkLocal(rendered.local!, versions, s3Forwards));
});

// Each service's own configuration code (its compiled dist/config.js: `npm test` runs tsc -b first).
const requireFromRepo = createRequire(path.join(repoRoot, 'package.json'));
const serviceConfigs: Record<string, ServiceConfig> = {};
for (const service of fs.readdirSync(path.join(repoRoot, 'services'))) {
  const file = path.join(repoRoot, 'services', service, 'dist', 'config.js');
  if (!fs.existsSync(file)) throw new Error(`${path.relative(repoRoot, file)} is missing: build first (npm run build)`);
  const module = requireFromRepo(file) as { envSchema: { shape: Record<string, unknown> }; readConfig: (env: Record<string, string>) => unknown };
  serviceConfigs[service] = { keys: Object.keys(module.envSchema.shape), parse: (env) => module.readConfig(env) };
}
const readEnvFile = (file: string) =>
  Object.fromEntries(
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z][A-Z0-9_]*=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
const productionSecretsDir = path.join(repoRoot, 'deploy/k8s/overlays/production/secrets.example');
const productionSecrets = Object.fromEntries(
  fs
    .readdirSync(productionSecretsDir)
    .filter((f) => f.endsWith('.env'))
    .map((f) => [`${f.replace(/\.env$/, '')}-secrets`, readEnvFile(path.join(productionSecretsDir, f))]),
);
step("both overlays: each service's environment is read by it and accepted by its own configuration (production with secrets.example/)", () => {
  const placeholder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mb-validate-')), 'mounted-file');
  fs.writeFileSync(placeholder, 'stands in for a mounted file\n');
  try {
    failOn([
      ...checkServiceEnvironments(rendered.local!, serviceConfigs, {}, placeholder).map((p) => `local: ${p}`),
      ...checkServiceEnvironments(rendered.production!, serviceConfigs, productionSecrets, placeholder, { encrypted: true }).map((p) => `production: ${p}`),
    ]);
  } finally {
    fs.rmSync(path.dirname(placeholder), { recursive: true, force: true });
  }
});

step('skaffold.yaml against its JSON schema', () => {
  const text = fs.readFileSync(path.join(repoRoot, 'skaffold.yaml'), 'utf8');
  const apiVersion = /^apiVersion:\s*(\S+)/m.exec(text)?.[1];
  if (!apiVersion) throw new Error('skaffold.yaml has no apiVersion');
  const schema = skaffoldSchema(apiVersion);
  const check = `
import json, sys, yaml, jsonschema
schema = json.load(open(sys.argv[1]))
docs = [d for d in yaml.safe_load_all(open(sys.argv[2])) if d]
for d in docs:
    jsonschema.validate(d, schema)
print(len(docs))
`;
  sh(python, ['-c', check, schema, 'skaffold.yaml']);
});

// Building skaffold takes ~3.5 min on 2 cores, so it is opt-in here: MB_BUILD_SKAFFOLD=1 (CI), or
// a binary already in .cache/go/bin (npm run cluster builds it too).
let skaffold = findSkaffold();
if (!skaffold && process.env.MB_BUILD_SKAFFOLD === '1') {
  step('building skaffold from its Go module', () => void (skaffold = ensureSkaffold()));
}
if (skaffold) {
  step('skaffold diagnose --yaml-only', () => void sh(skaffold, ['diagnose', '--yaml-only'], { env: { ...process.env, SKAFFOLD_UPDATE_CHECK: 'false' } }));
  for (const profile of ['local', 'production']) {
    step(`skaffold render --offline -p ${profile}`, () =>
      void sh(skaffold, ['render', '--offline=true', '--digest-source=none', '-p', profile], { env: { ...process.env, SKAFFOLD_UPDATE_CHECK: 'false' } }),
    );
  }
}

step('Dockerfiles: pinned Node 24 base, multi-stage, non-root, healthcheck, no test code', () => {
  for (const service of fs.readdirSync(path.join(repoRoot, 'services'))) {
    const file = path.join(repoRoot, 'services', service, 'Dockerfile');
    const text = fs.readFileSync(file, 'utf8');
    const problems = [
      [/ARG NODE_IMAGE=node:24\.\d+\.\d+-/, 'a pinned node:24.x.y base image'],
      [/^FROM .* AS build$/m, 'a build stage'],
      [/^USER node$/m, 'USER node (non-root)'],
      [/^HEALTHCHECK /m, 'a HEALTHCHECK'],
      [new RegExp(`services/${service}/dist/main.js`), 'its own entry point'],
    ]
      .filter(([re]) => !(re as RegExp).test(text))
      .map(([, what]) => `lacks ${what}`);
    const src = path.join(repoRoot, 'services', service, 'src');
    const testFolders = fs.readdirSync(src).filter((f) => /^(testing|test-support)$/.test(f));
    problems.push(...checkDockerfileDropsTestCode(text, testFolders));
    if (problems.length > 0) throw new Error(`${path.relative(repoRoot, file)}: ${problems.join(', ')}`);
  }
});
