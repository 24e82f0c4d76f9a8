// The kind node image, built offline (see tools/cluster/images/kind-node/README.md for what it
// contains and how it differs from kindest/node).
//
//   kind-base   Debian + systemd + containerd/runc/crictl/CNI plugins + kind's base files
//   components  the images kubeadm's static pods and add-ons name (apiserver, controller-manager,
//               scheduler, kube-proxy, etcd, CoreDNS, pause) and the storage provisioner's two
//   node        kind-base + Kubernetes binaries + those images imported into the node's containerd
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Engine } from './docker-engine.ts';
import { binary, buildGo, moduleDir, recipes } from './go-builds.ts';
import { buildImage, debianImage, ensureDebianImage, imageId, imageRecipe, imagesSource, saveImages, stageContext } from './images.ts';
import { binDir, buildLogsDir, machineCache, versions } from './settings.ts';
import { capture, ClusterError, info, logged, waitFor } from './shell.ts';
import { withLock } from './lock.ts';

export const nodeImage = `marketbill.local/kind-node:${versions.kubernetes}`;
const kindBaseImage = `marketbill.local/kind-base:${versions.kind}`;

export const componentImages = {
  apiserver: `registry.k8s.io/kube-apiserver:${versions.kubernetes}`,
  controllerManager: `registry.k8s.io/kube-controller-manager:${versions.kubernetes}`,
  scheduler: `registry.k8s.io/kube-scheduler:${versions.kubernetes}`,
  proxy: `registry.k8s.io/kube-proxy:${versions.kubernetes}`,
  etcd: `registry.k8s.io/etcd:${versions.etcdImageTag}`,
  coredns: `registry.k8s.io/coredns/coredns:${versions.coredns}`,
  pause: `registry.k8s.io/pause:${versions.pause}`,
  localPathProvisioner: `docker.io/rancher/local-path-provisioner:${versions.localPathProvisioner}`,
  localPathHelper: `marketbill.local/local-path-helper:${versions.debianSuite}`,
};

/** Kubernetes' pause container (build/pause/linux/pause.c of the kubernetes module), static. */
async function ensurePause(): Promise<string> {
  const out = path.join(binDir, `pause-${versions.pause}`, 'pause');
  if (fs.existsSync(out)) return out;
  const source = path.join(moduleDir(`k8s.io/kubernetes@${versions.kubernetes}`), 'build', 'pause', 'linux', 'pause.c');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  // The flags of build/pause/Makefile.
  await logged('gcc', ['-Os', '-Wall', '-Werror', '-static', `-DVERSION=v${versions.pause}-marketbill`, '-o', `${out}.tmp`, source], path.join(buildLogsDir, 'pause.log'));
  fs.renameSync(`${out}.tmp`, out);
  return out;
}

/** kind's storage manifest (pkg/build/nodeimage/const_storage.go) with our two images. */
export function storageManifest(): string {
  const source = fs.readFileSync(path.join(moduleDir(`sigs.k8s.io/kind@${versions.kind}`), 'pkg', 'build', 'nodeimage', 'const_storage.go'), 'utf8');
  const images: Record<string, string> = { storageProvisionerImage: componentImages.localPathProvisioner, storageHelperImage: componentImages.localPathHelper };
  // The Go constant is raw-string pieces joined with the two image constants: `…` + name + `…`.
  const marker = 'const defaultStorageManifest = `';
  let rest = source.slice(source.indexOf(marker) + marker.length);
  if (source.indexOf(marker) < 0) throw new ClusterError(`kind ${versions.kind}: no defaultStorageManifest in const_storage.go`);
  let manifest = '';
  for (;;) {
    const end = rest.indexOf('`');
    manifest += rest.slice(0, end);
    const joined = /^` \+ (\w+) \+ `/.exec(rest.slice(end));
    if (!joined) break;
    const image = images[joined[1]!];
    if (!image) throw new ClusterError(`kind ${versions.kind}: the storage manifest names ${joined[1]}, which we do not build`);
    manifest += image;
    rest = rest.slice(end + joined[0].length);
  }
  return manifest;
}

export async function ensureKindBase(engine: Engine): Promise<void> {
  const containerd = await buildGo(recipes.containerd);
  const crictl = await buildGo(recipes.crictl);
  const kindFiles = path.join(moduleDir(`sigs.k8s.io/kind@${versions.kind}`), 'images', 'base', 'files');
  const context = stageContext('kind-base', 'kind-base', {
    files: kindFiles,
    'bin/containerd': path.join(containerd, 'containerd'),
    'bin/ctr': path.join(containerd, 'ctr'),
    'bin/containerd-shim-runc-v2': path.join(containerd, 'containerd-shim-runc-v2'),
    'bin/crictl': path.join(crictl, 'crictl'),
  });
  await buildImage(engine, { tag: kindBaseImage, context, args: { DEBIAN_IMAGE: debianImage }, parents: [debianImage] });
}

async function ensureComponents(engine: Engine): Promise<void> {
  const k8s = await buildGo(recipes.kubernetes);
  await buildGo(recipes.etcd);
  const coredns = await buildGo(recipes.coredns);
  const provisioner = await buildGo(recipes.localPathProvisioner);
  const pause = await ensurePause();
  const single = async (tag: string, name: string, file: string) =>
    buildImage(engine, { tag, context: stageContext(`component-${name}`, 'kube-binary', { [name]: file }), args: { BINARY: name } });
  await single(componentImages.apiserver, 'kube-apiserver', path.join(k8s, 'kube-apiserver'));
  await single(componentImages.controllerManager, 'kube-controller-manager', path.join(k8s, 'kube-controller-manager'));
  await single(componentImages.scheduler, 'kube-scheduler', path.join(k8s, 'kube-scheduler'));
  await single(componentImages.etcd, 'etcd', binary(recipes.etcd, 'etcd'));
  await buildImage(engine, {
    tag: componentImages.proxy,
    context: stageContext('component-kube-proxy', 'kube-proxy', { 'kube-proxy': path.join(k8s, 'kube-proxy') }),
    args: { DEBIAN_IMAGE: debianImage },
    parents: [debianImage],
  });
  await buildImage(engine, { tag: componentImages.coredns, context: stageContext('component-coredns', 'coredns', { coredns: path.join(coredns, 'coredns') }) });
  await buildImage(engine, { tag: componentImages.pause, context: stageContext('component-pause', 'pause', { pause }) });
  await buildImage(engine, {
    tag: componentImages.localPathProvisioner,
    context: stageContext('component-local-path-provisioner', 'local-path-provisioner', { 'local-path-provisioner': path.join(provisioner, 'local-path-provisioner') }),
  });
  capture('docker', ['tag', debianImage, componentImages.localPathHelper], { env: engine.env });
}

/** Builds (or finds) the node image; returns its tag. */
export async function ensureNodeImage(engine: Engine): Promise<string> {
  await ensureDebianImage(engine);
  await ensureKindBase(engine);
  await ensureComponents(engine);
  const k8s = await buildGo(recipes.kubernetes);
  const cni = fs.readFileSync(path.join(imagesSource, 'kind-node', '10-marketbill-ptp.conflist'), 'utf8');
  const storage = storageManifest();
  const hash = createHash('sha256');
  for (const tag of [kindBaseImage, ...Object.values(componentImages)]) hash.update(`${tag} ${imageId(engine, tag)}\n`);
  hash.update(fs.readFileSync(path.join(k8s, '.recipe')));
  // ... and the assembly steps themselves: editing them rebuilds the node image.
  hash.update(cni).update(storage).update(buildNode.toString());
  const recipe = hash.digest('hex').slice(0, 24);
  if (imageRecipe(engine, nodeImage) === recipe) return nodeImage;
  return withLock('node-image', async () => buildNode(engine, k8s, cni, storage, recipe));
}

async function buildNode(engine: Engine, k8s: string, cni: string, storage: string, recipe: string): Promise<string> {
  const log = path.join(buildLogsDir, 'node-image.log');
  info(`assembling ${nodeImage} (log: ${log})`);
  const name = `marketbill-node-build-${Date.now()}`;
  const docker = (args: string[], input?: string) => capture('docker', args, { env: engine.env, ...(input === undefined ? {} : { input }) });
  const exec = (args: string[], input?: string) => docker(['exec', ...(input === undefined ? [] : ['-i']), name, ...args], input);
  docker(['run', '-d', '--entrypoint=sleep', `--name=${name}`, '--security-opt', 'seccomp=unconfined', kindBaseImage, 'infinity']);
  try {
    for (const bin of ['kubeadm', 'kubelet', 'kubectl']) {
      docker(['cp', path.join(k8s, bin), `${name}:/usr/bin/${bin}`]);
      exec(['chmod', '0755', `/usr/bin/${bin}`]);
      exec(['chown', 'root:root', `/usr/bin/${bin}`]);
    }
    exec(['sh', '-c', 'cat > /kind/version'], versions.kubernetes);
    exec(['sh', '-c', 'mkdir -p /kind/manifests && cat > /kind/manifests/default-storage.yaml'], storage);
    exec(['sh', '-c', 'mkdir -p /etc/cni/net.d && cat > /etc/cni/net.d/10-marketbill-ptp.conflist'], cni);
    exec(['sed', '-i', `s#sandbox_image = ".*"#sandbox_image = "${componentImages.pause}"#`, '/etc/containerd/config.toml']);
    // Pods never get an OOM score below containerd's own. kind turns this on for rootless nodes;
    // our nodes need it wherever the machine withholds CAP_SYS_RESOURCE (see engine/runc-bounded):
    // without it runc fails every pod ("failed to update /proc/self/oom_score_adj: Permission
    // denied" for the -998 kubelet asks for). Where containerd holds the capability it runs at -999
    // and the clamp changes nothing.
    exec(['sed', '-i', 's/restrict_oom_score_adj = false/restrict_oom_score_adj = true/', '/etc/containerd/config.toml']);
    // Import the images with containerd running inside the build container, as kind's node build does.
    exec(['bash', '-c', 'nohup containerd > /var/log/containerd-build.log 2>&1 &']);
    await waitFor('containerd in the node build container', () => (exec(['ctr', 'info']) ? true : undefined), 60_000, 500);
    const archive = path.join(machineCache, 'node-images.tar');
    await saveImages(engine, Object.values(componentImages), archive);
    await logged(
      'docker',
      ['exec', '-i', name, 'ctr', '--namespace=k8s.io', 'images', 'import', '--label=io.cri-containerd.pinned=pinned', '--all-platforms', '--no-unpack', '--digests', '-'],
      log,
      { env: engine.env, stdinFile: archive },
    );
    fs.rmSync(archive, { force: true });
    const imported = exec(['ctr', '--namespace=k8s.io', 'images', 'list', '-q']);
    fs.appendFileSync(log, `imported:\n${imported}\n`);
    for (const tag of Object.values(componentImages)) {
      const ref = tag.startsWith('marketbill.local/') || tag.includes('.io/') ? tag : `docker.io/${tag}`;
      if (!imported.split('\n').includes(ref)) throw new ClusterError(`the node's containerd lacks ${ref} after the import (log: ${log})`);
    }
    exec(['pkill', 'containerd']);
    // PID 1 of the build container is `sleep`, which reaps nothing: the stopped containerd stays a
    // zombie, so "stopped" means no containerd in any other state.
    const running = "for p in $(pgrep -x containerd); do grep -q '^State:[[:space:]]*Z' /proc/$p/status || echo $p; done";
    await waitFor('containerd to stop', () => (exec(['sh', '-c', running]).trim() === '' ? true : undefined), 30_000, 500);
    docker(['commit', '--change', 'ENTRYPOINT [ "/usr/local/bin/entrypoint", "/sbin/init" ]', '--change', `LABEL marketbill.recipe=${recipe}`, name, nodeImage]);
  } finally {
    docker(['rm', '-f', '-v', name]);
  }
  return nodeImage;
}

/** The kubectl built for the cluster's version (the machine's may be far older). */
export async function kubectlBinary(): Promise<string> {
  await buildGo(recipes.kubernetes);
  return binary(recipes.kubernetes, 'kubectl');
}
