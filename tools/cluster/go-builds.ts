// The binaries a kind cluster is made of, built from their Go modules (the Go module proxy is the
// one source of them that answers here). Each build is a recipe: module@version, the packages to
// build, and what its own release process passes (build tags, -ldflags version stamps). A finished
// build lands in <machine cache>/bin/<name>-<version>/ together with the hash of its recipe, so a
// changed recipe rebuilds and an unchanged one is reused by every later run and every clone.
//
// Modules are built as copies of their module directory (the module cache is read-only, and several
// of them must be edited first): Kubernetes' go.mod points its k8s.io/* staging modules at
// ./staging, which the module zip does not contain (they are separate modules), so they are pointed
// at the published v0.34.x modules instead; etcd's server module points its siblings at ../, likewise.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { binDir, buildLogsDir, cores, goPath, machineCache, srcDir, versions } from './settings.ts';
import { capture, ClusterError, info, logged } from './shell.ts';
import { withLock } from './lock.ts';

/**
 * A main package to build. `output` names the binary where Go's own choice (the last element of the
 * import path, a /vN suffix skipped) is not the name the images expect: etcd's server module builds
 * from its root, so Go would call it `server`.
 */
type Package = { path: string; cgo?: boolean; output?: string };

export type GoRecipe = {
  name: string;
  version: string;
  module: string;
  packages: Package[];
  tags?: string[];
  ldflags?: string[];
  /** Edits of the module copy before building (e.g. go.mod replace directives). */
  prepare?: (dir: string) => void;
  /** Builds the module's own generator first (OpenTelemetry Collector builder). */
  generate?: (dir: string, env: NodeJS.ProcessEnv, log: string) => Promise<string>;
};

export function goEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOPATH: goPath,
    GOMODCACHE: path.join(goPath, 'pkg', 'mod'),
    GOCACHE: path.join(goPath, 'build-cache'),
    GOFLAGS: '-modcacherw',
    // The machine's Go (1.26) is newer than every module's go/toolchain line: never fetch another.
    GOTOOLCHAIN: 'local',
    ...extra,
  };
}

/** Downloads module@version through the proxy and returns its (read-only) directory. */
export function moduleDir(moduleAtVersion: string): string {
  const out = capture('go', ['mod', 'download', '-json', moduleAtVersion], { env: goEnv(), cwd: machineCache });
  return (JSON.parse(out) as { Dir: string }).Dir;
}

export function recipeHash(r: GoRecipe): string {
  const text = JSON.stringify({ ...r, prepare: r.prepare?.toString(), generate: r.generate?.toString() });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export function outputDir(r: GoRecipe): string {
  return path.join(binDir, `${r.name}-${r.version}`);
}

const stampName = '.recipe';

export function isBuilt(r: GoRecipe): boolean {
  try {
    return fs.readFileSync(path.join(outputDir(r), stampName), 'utf8').trim() === recipeHash(r);
  } catch {
    return false;
  }
}

/** Builds the recipe unless its output is cached; returns the folder holding the binaries. */
export async function buildGo(r: GoRecipe): Promise<string> {
  const out = outputDir(r);
  if (isBuilt(r)) return out;
  return withLock(`go-${r.name}`, async () => {
    if (isBuilt(r)) return out;
    const log = path.join(buildLogsDir, `go-${r.name}-${r.version}.log`);
    const started = Date.now();
    info(`building ${r.name} ${r.version} from ${r.module} (log: ${log})`);
    const source = path.join(srcDir, `${r.name}-${r.version}`);
    fs.rmSync(source, { recursive: true, force: true });
    fs.mkdirSync(srcDir, { recursive: true });
    fs.cpSync(moduleDir(`${r.module}@${r.version}`), source, { recursive: true });
    capture('chmod', ['-R', 'u+w', source]);
    r.prepare?.(source);
    const env = goEnv({ GOFLAGS: '-modcacherw -mod=mod' });
    const buildDir = r.generate ? await r.generate(source, env, log) : source;
    const tmp = `${out}.tmp`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    const common = ['build', '-p', String(cores), '-trimpath'];
    if (r.tags?.length) common.push('-tags', r.tags.join(','));
    common.push('-ldflags', ['-s', '-w', ...(r.ldflags ?? [])].join(' '));
    // Static (CGO off) where the project's own release builds them static; cgo where they do not.
    for (const cgo of [false, true]) {
      const cgoEnv = { ...env, CGO_ENABLED: cgo ? '1' : '0' };
      const ofKind = r.packages.filter((p) => Boolean(p.cgo) === cgo);
      const group = ofKind.filter((p) => !p.output).map((p) => p.path);
      if (group.length > 0) await logged('go', [...common, '-o', `${tmp}/`, ...group], log, { cwd: buildDir, env: cgoEnv });
      for (const named of ofKind.filter((p) => p.output)) {
        await logged('go', [...common, '-o', path.join(tmp, named.output!), named.path], log, { cwd: buildDir, env: cgoEnv });
      }
    }
    fs.writeFileSync(path.join(tmp, stampName), `${recipeHash(r)}\n`);
    fs.rmSync(out, { recursive: true, force: true });
    fs.renameSync(tmp, out);
    info(`${r.name} ${r.version} built in ${((Date.now() - started) / 60_000).toFixed(1)} min`);
    return out;
  });
}

/** -X flags for a Go package's version variables. */
function stamp(pkg: string, values: Record<string, string>): string[] {
  return Object.entries(values).map(([key, value]) => `-X ${pkg}.${key}=${value}`);
}

function editGoMod(dir: string, edit: (text: string) => string): void {
  const file = path.join(dir, 'go.mod');
  fs.writeFileSync(file, edit(fs.readFileSync(file, 'utf8')));
}

const k8sMinor = versions.kubernetes.replace(/^v1\./, 'v0.'); // v1.34.2 → v0.34.2
const k8sVersionStamp = {
  gitVersion: versions.kubernetes,
  gitMajor: '1',
  gitMinor: versions.kubernetes.split('.')[1]!,
  gitTreeState: 'clean',
  // The release's own date (the module proxy's .info Time of the tag), so rebuilds are identical.
  buildDate: '2025-11-11T19:00:37Z',
};

export const recipes = {
  // hack/lib/golang.sh: every server binary is static except kubelet; tags selinux,notest,grpcnotrace;
  // hack/lib/version.sh stamps the version into client-go and component-base (kubeadm compares it
  // with the cluster version it deploys, so an unstamped v0.0.0 would refuse to run).
  kubernetes: {
    name: 'kubernetes',
    version: versions.kubernetes,
    module: 'k8s.io/kubernetes',
    packages: [
      { path: './cmd/kubeadm' },
      { path: './cmd/kubectl' },
      { path: './cmd/kube-apiserver' },
      { path: './cmd/kube-controller-manager' },
      { path: './cmd/kube-scheduler' },
      { path: './cmd/kube-proxy' },
      { path: './cmd/kubelet', cgo: true },
    ],
    tags: ['selinux', 'notest', 'grpcnotrace'],
    ldflags: [...stamp('k8s.io/client-go/pkg/version', k8sVersionStamp), ...stamp('k8s.io/component-base/version', k8sVersionStamp)],
    prepare: (dir) => {
      fs.rmSync(path.join(dir, 'go.work'), { force: true });
      fs.rmSync(path.join(dir, 'go.work.sum'), { force: true });
      editGoMod(dir, (text) => text.replace(/^([ \t]*)(k8s\.io\/[a-z0-9-]+) => \.\/staging\/src\/k8s\.io\/[a-z0-9-]+[ \t]*$/gm, `$1$2 => $2 ${k8sMinor}`));
    },
  },
  etcd: {
    name: 'etcd',
    version: versions.etcd,
    module: 'go.etcd.io/etcd/server/v3',
    packages: [{ path: '.', output: 'etcd' }],
    prepare: (dir) => editGoMod(dir, (text) => text.replace(/^.*=> \.\.\/.*$/gm, '')),
  },
  containerd: {
    name: 'containerd',
    version: versions.containerd,
    module: 'github.com/containerd/containerd/v2',
    packages: [{ path: './cmd/containerd' }, { path: './cmd/ctr' }, { path: './cmd/containerd-shim-runc-v2' }],
    // kind's base image builds without the optional snapshotters it never selects.
    tags: ['no_aufs', 'no_zfs', 'no_btrfs', 'no_devmapper', 'urfave_cli_no_docs'],
    ldflags: stamp('github.com/containerd/containerd/v2/version', { Version: versions.containerd, Package: 'github.com/containerd/containerd/v2' }),
  },
  crictl: {
    name: 'crictl',
    version: versions.crictl,
    module: 'sigs.k8s.io/cri-tools',
    packages: [{ path: './cmd/crictl' }],
    ldflags: stamp('sigs.k8s.io/cri-tools/pkg/version', { Version: versions.crictl }),
  },
  coredns: {
    name: 'coredns',
    version: versions.coredns,
    module: 'github.com/coredns/coredns',
    packages: [{ path: '.' }],
  },
  localPathProvisioner: {
    name: 'local-path-provisioner',
    version: versions.localPathProvisioner,
    module: 'github.com/rancher/local-path-provisioner',
    packages: [{ path: '.' }],
    // Its repository vendors, but module zips leave vendor/ out: resolve through the proxy.
    ldflags: stamp('main', { VERSION: versions.localPathProvisioner }),
  },
  kind: {
    name: 'kind',
    version: versions.kind,
    module: 'sigs.k8s.io/kind',
    packages: [{ path: '.' }],
  },
  // skaffold cannot be `go install`ed (its go.mod has replace directives) but builds as the main
  // module of its own module directory.
  skaffold: {
    name: 'skaffold',
    version: versions.skaffold,
    module: 'github.com/GoogleContainerTools/skaffold/v2',
    packages: [{ path: './cmd/skaffold' }],
    ldflags: stamp('github.com/GoogleContainerTools/skaffold/v2/pkg/skaffold/version', { version: versions.skaffold }),
  },
} satisfies Record<string, GoRecipe>;

/** The binary `name` of a built recipe. */
export function binary(r: GoRecipe, name: string): string {
  const file = path.join(outputDir(r), name);
  if (!fs.existsSync(file)) throw new ClusterError(`${r.name} ${r.version} has no ${name} (${outputDir(r)})`);
  return file;
}
