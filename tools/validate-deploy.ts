// Offline validation of the deployment files (run by `npm test`; no cluster needed):
//   1. every kustomize overlay renders (kustomize v5 from the Go module proxy, cached in .cache/go)
//   2. the rendered manifests pass Kubernetes JSON-schema validation in strict mode
//      (kubernetes-validate from PyPI, in .cache/venv) for the Kubernetes version we target
//   3. skaffold.yaml validates against skaffold's own JSON schema for its apiVersion (taken from
//      the skaffold Go module on the module proxy); when a skaffold binary is in .cache/go/bin,
//      `skaffold diagnose --yaml-only` and `skaffold render --offline` run too
//   4. every service Dockerfile keeps the rules: pinned Node 24 base, multi-stage, non-root, healthcheck
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './stack/paths.ts';

const KUSTOMIZE = 'sigs.k8s.io/kustomize/kustomize/v5@v5.8.1';
const KUBERNETES_VALIDATE = 'kubernetes-validate==1.37.0';
const KUBERNETES_VERSION = '1.33';
const SKAFFOLD_MODULE = 'github.com/GoogleContainerTools/skaffold/v2@v2.16.1';
const cache = path.join(repoRoot, '.cache');
const goEnv = { ...process.env, GOPATH: path.join(cache, 'go'), GOBIN: path.join(cache, 'go', 'bin'), GOFLAGS: '-modcacherw' };
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

function ensureKustomize(): string {
  const bin = path.join(cache, 'go', 'bin', 'kustomize');
  if (!fs.existsSync(bin)) sh('go', ['install', KUSTOMIZE], { env: goEnv, cwd: fs.mkdtempSync('/tmp/mb-go-') });
  return bin;
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
  const out = sh('go', ['mod', 'download', '-json', SKAFFOLD_MODULE], { env: goEnv, cwd: fs.mkdtempSync('/tmp/mb-go-') });
  const dir = (JSON.parse(out) as { Dir: string }).Dir;
  const file = path.join(dir, 'docs-v2', 'content', 'en', 'schemas', `${apiVersion.replace('skaffold/', '')}.json`);
  if (!fs.existsSync(file)) throw new Error(`skaffold ${SKAFFOLD_MODULE} has no schema for ${apiVersion}`);
  return file;
}

const overlays = ['local', 'production'];
process.stderr.write('validate-deploy:\n');
sh(process.execPath, ['tools/k8s-local-secrets.ts']);
const kustomize = ensureKustomize();
const python = ensureVenv();
for (const overlay of overlays) {
  let rendered = '';
  step(`kustomize build deploy/k8s/overlays/${overlay}`, () => {
    rendered = sh(kustomize, ['build', `deploy/k8s/overlays/${overlay}`]);
  });
  step(`kubernetes-validate --strict (Kubernetes ${KUBERNETES_VERSION}) on ${overlay}`, () => {
    sh(path.join(venv, 'bin', 'kubernetes-validate'), ['-k', KUBERNETES_VERSION, '--strict', '-'], { input: rendered });
  });
}

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

// skaffold itself cannot be `go install`ed (its go.mod has replace directives), but it builds as the
// main module inside its own module directory (~3.5 min and ~1 GB of modules on 2 cores), so that
// is opt-in: MB_BUILD_SKAFFOLD=1, or a binary already in .cache/go/bin.
const skaffold = path.join(cache, 'go', 'bin', 'skaffold');
if (!fs.existsSync(skaffold) && process.env.MB_BUILD_SKAFFOLD === '1') {
  step('building skaffold from its Go module', () => {
    const dir = (JSON.parse(sh('go', ['mod', 'download', '-json', SKAFFOLD_MODULE], { env: goEnv, cwd: fs.mkdtempSync('/tmp/mb-go-') })) as { Dir: string }).Dir;
    sh('go', ['build', '-o', skaffold, './cmd/skaffold'], { env: goEnv, cwd: dir });
  });
}
if (fs.existsSync(skaffold)) {
  step('skaffold diagnose --yaml-only', () => void sh(skaffold, ['diagnose', '--yaml-only'], { env: { ...process.env, SKAFFOLD_UPDATE_CHECK: 'false' } }));
  for (const profile of ['local', 'production']) {
    step(`skaffold render --offline -p ${profile}`, () =>
      void sh(skaffold, ['render', '--offline=true', '--digest-source=none', '-p', profile], { env: { ...process.env, SKAFFOLD_UPDATE_CHECK: 'false' } }),
    );
  }
}

step('Dockerfiles: pinned Node 24 base, multi-stage, non-root, healthcheck', () => {
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
      .map(([, what]) => what);
    if (problems.length > 0) throw new Error(`${path.relative(repoRoot, file)} lacks ${problems.join(', ')}`);
  }
});
