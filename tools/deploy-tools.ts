// kustomize and skaffold, built from their Go modules into .cache/go/bin (nothing to download on a
// second run). Shared by the offline checks (tools/validate-deploy.ts) and the cluster run
// (tools/cluster.ts), so both render and deploy with the same binaries.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cacheDir, repoRoot } from './stack/paths.ts';

export const KUSTOMIZE_MODULE = 'sigs.k8s.io/kustomize/kustomize/v5@v5.8.1';
export const SKAFFOLD_MODULE = 'github.com/GoogleContainerTools/skaffold/v2@v2.16.1';

const goBin = path.join(cacheDir, 'go', 'bin');
export const goEnv = { ...process.env, GOPATH: path.join(cacheDir, 'go'), GOBIN: goBin, GOFLAGS: '-modcacherw' };

function sh(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): string {
  const r = spawnSync(command, args, { cwd: options.cwd ?? repoRoot, env: options.env ?? process.env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The directory of a module from the Go module proxy (downloaded into .cache/go once). */
export function goModuleDir(moduleAtVersion: string): string {
  const out = sh('go', ['mod', 'download', '-json', moduleAtVersion], { env: goEnv, cwd: fs.mkdtempSync('/tmp/mb-go-') });
  return (JSON.parse(out) as { Dir: string }).Dir;
}

export function ensureKustomize(): string {
  const bin = path.join(goBin, 'kustomize');
  if (!fs.existsSync(bin)) sh('go', ['install', KUSTOMIZE_MODULE], { env: goEnv, cwd: fs.mkdtempSync('/tmp/mb-go-') });
  return bin;
}

export const skaffoldPath = path.join(goBin, 'skaffold');

/** Where `npm run cluster` keeps its skaffold build (tools/cluster/go-builds.ts), machine-wide. */
function machineSkaffold(): string {
  const version = SKAFFOLD_MODULE.split('@')[1]!;
  return path.join(path.resolve(process.env.MB_MACHINE_CACHE || '/var/cache/marketbill'), 'bin', `skaffold-${version}`, 'skaffold');
}

/** skaffold in .cache/go/bin, or the cluster run's build in the machine cache, if either exists. */
export function findSkaffold(): string | undefined {
  if (fs.existsSync(skaffoldPath)) return skaffoldPath;
  return fs.existsSync(machineSkaffold()) ? machineSkaffold() : undefined;
}

/**
 * skaffold cannot be `go install`ed (its go.mod has replace directives), but it builds as the main
 * module inside its own module directory (~3.5 min and ~1 GB of modules on 2 cores). Built aside
 * and renamed: the cluster build may run alongside the tests.
 */
export function ensureSkaffold(): string {
  const found = findSkaffold();
  if (found) return found;
  fs.mkdirSync(goBin, { recursive: true });
  const tmp = `${skaffoldPath}.${process.pid}.tmp`;
  sh('go', ['build', '-o', tmp, './cmd/skaffold'], { env: goEnv, cwd: goModuleDir(SKAFFOLD_MODULE) });
  fs.renameSync(tmp, skaffoldPath);
  return skaffoldPath;
}

/** `kustomize build` of an overlay. */
export function renderOverlay(overlay: string): string {
  return sh(ensureKustomize(), ['build', path.join('deploy', 'k8s', 'overlays', overlay)]);
}

/** Every container image a rendered manifest names (containers and init containers). */
export function imagesOf(rendered: string): string[] {
  return [...new Set([...rendered.matchAll(/^\s*(?:-\s+)?image:\s*["']?([^\s"']+)["']?\s*$/gm)].map((m) => m[1]!))].sort();
}
