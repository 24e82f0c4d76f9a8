// The kind cluster itself: created from our node image with tools/cluster/kind-config.yaml, its
// kubeconfig kept in .stack/cluster/kubeconfig (never merged into ~/.kube/config), deleted by `down`.
import fs from 'node:fs';
import path from 'node:path';
import type { Engine } from './docker-engine.ts';
import { buildGo, isBuilt, outputDir, recipes } from './go-builds.ts';
import { clusterLogsDir, clusterName, clusterStateDir, kubeconfigPath, kubeContext, namespace } from './settings.ts';
import { capture, ClusterError, logged, succeeds } from './shell.ts';

const kindConfig = path.join(import.meta.dirname, 'kind-config.yaml');
/** The cluster's one node, a container of our engine (kind's name for it). */
const nodeContainer = `${clusterName}-control-plane`;

export type Tools = { kind: string; kubectl: string; binDirs: string[] };

/** kind and kubectl if they are built already (`down` and `status` never start a build). */
export function builtClusterTools(): Tools | undefined {
  if (!isBuilt(recipes.kind) || !isBuilt(recipes.kubernetes)) return undefined;
  const kind = path.join(outputDir(recipes.kind), 'kind');
  const kubectl = path.join(outputDir(recipes.kubernetes), 'kubectl');
  return { kind, kubectl, binDirs: [path.dirname(kind), path.dirname(kubectl)] };
}

/** kind and kubectl built for this cluster (the machine's kubectl is far older). */
export async function clusterTools(): Promise<Tools> {
  const kind = path.join(await buildGo(recipes.kind), 'kind');
  const kubectl = path.join(await buildGo(recipes.kubernetes), 'kubectl');
  return { kind, kubectl, binDirs: [path.dirname(kind), path.dirname(kubectl)] };
}

/** Environment for kind, kubectl and skaffold: our engine, our kubeconfig, our binaries first. */
export function clusterEnv(engine: Engine, tools: Tools, extraBinDirs: string[] = []): NodeJS.ProcessEnv {
  return { ...engine.env, KUBECONFIG: kubeconfigPath, PATH: [...extraBinDirs, ...tools.binDirs, process.env.PATH ?? ''].join(':') };
}

export function clusterExists(engine: Engine, tools: Tools): boolean {
  try {
    return capture(tools.kind, ['get', 'clusters'], { env: engine.env }).split('\n').includes(clusterName);
  } catch {
    return false;
  }
}

/** The node image a running cluster was created from (its control-plane container's image). */
function clusterNodeImage(engine: Engine): string | undefined {
  try {
    return capture('docker', ['inspect', '--format', '{{.Config.Image}}', nodeContainer], { env: engine.env }).trim();
  } catch {
    return undefined;
  }
}

function imageIdOf(engine: Engine, ref: string): string | undefined {
  try {
    return capture('docker', ['image', 'inspect', '--format', '{{.Id}}', ref], { env: engine.env }).trim();
  } catch {
    return undefined;
  }
}

/**
 * A cluster from `nodeImage`: reused when one runs from the same image (a warm rerun), otherwise
 * (re)created. Returns whether it was created.
 */
export async function ensureCluster(engine: Engine, tools: Tools, nodeImage: string): Promise<boolean> {
  fs.mkdirSync(clusterStateDir, { recursive: true });
  if (clusterExists(engine, tools)) {
    const running = clusterNodeImage(engine);
    const fresh = running && capture('docker', ['inspect', '--format', '{{.Image}}', nodeContainer], { env: engine.env }).trim() === imageIdOf(engine, nodeImage);
    if (fresh && running === nodeImage) {
      capture(tools.kind, ['export', 'kubeconfig', '--name', clusterName, '--kubeconfig', kubeconfigPath], { env: engine.env });
      if (succeeds(tools.kubectl, ['--kubeconfig', kubeconfigPath, '--context', kubeContext, 'get', '--raw', '/readyz'], { timeoutMs: 20_000 })) return false;
    }
    await deleteCluster(engine, tools);
  }
  const log = path.join(clusterLogsDir, 'kind-create.log');
  try {
    await logged(tools.kind, ['create', 'cluster', '--name', clusterName, '--image', nodeImage, '--config', kindConfig, '--kubeconfig', kubeconfigPath, '--wait', '5m'], log, {
      env: engine.env,
    });
  } catch (err) {
    // What kubeadm and the kubelet said, for the error message's reader.
    const logsDir = path.join(clusterLogsDir, 'kind-export');
    try {
      capture(tools.kind, ['export', 'logs', logsDir, '--name', clusterName], { env: engine.env });
    } catch {
      // the node may be gone already
    }
    throw new ClusterError(`${(err as Error).message}\nnode logs: ${logsDir}`);
  }
  return true;
}

export async function deleteCluster(engine: Engine, tools: Tools): Promise<void> {
  await logged(tools.kind, ['delete', 'cluster', '--name', clusterName, '--kubeconfig', kubeconfigPath], path.join(clusterLogsDir, 'kind-delete.log'), { env: engine.env });
}

/** kind load docker-image: kind skips an image the node already holds with the same id. */
export async function loadImages(engine: Engine, tools: Tools, images: string[]): Promise<void> {
  if (images.length === 0) return;
  await logged(tools.kind, ['load', 'docker-image', '--name', clusterName, ...images], path.join(clusterLogsDir, 'kind-load.log'), { env: engine.env });
}

/** kubectl against our cluster (our kubeconfig and context), returning stdout. */
export function kubectl(tools: Tools, args: string[], options: { input?: string; timeoutMs?: number; namespaced?: boolean } = {}): string {
  const ns = options.namespaced === false ? [] : ['--namespace', namespace];
  return capture(tools.kubectl, ['--kubeconfig', kubeconfigPath, '--context', kubeContext, ...ns, ...args], {
    ...(options.input === undefined ? {} : { input: options.input }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
}

/** The cluster's Service address range, as kind-config.yaml sets it. */
export function serviceSubnet(): string {
  const found = /^\s*serviceSubnet:\s*(\S+)/m.exec(fs.readFileSync(kindConfig, 'utf8'))?.[1];
  if (!found) throw new ClusterError(`${kindConfig} sets no networking.serviceSubnet`);
  return found;
}

/** Addresses of the Service range from its end downwards (Kubernetes hands them out at random). */
export function serviceAddressesFromTheEnd(count: number): string[] {
  const [base, bits] = serviceSubnet().split('/');
  const first = (base as string).split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  const last = first + 2 ** (32 - Number(bits)) - 2;
  return Array.from({ length: count }, (_, i) => [24, 16, 8, 0].map((shift) => Math.floor((last - i) / 2 ** shift) % 256).join('.'));
}

const fenceComment = 'marketbill: a Service address kube-proxy has not translated stays in the cluster';

/**
 * Keeps traffic to Service addresses inside the cluster. kube-proxy turns a ClusterIP into a pod's
 * address only once it has written that Service's rules; a connection opened before then (a pod
 * starting right after `skaffold run` created its Services) is not translated, so the node routes
 * it like any other address — out through its default route to this machine's network, masqueraded.
 * There, on 2026-12-04, something answered `GET /apis/ccompat/v7/subjects` with an empty 404, and
 * the notifier's keep-alive connection stayed with that answerer: the same 404 for fifteen minutes
 * while the registry served every new connection (`conntrack` showed the flow leaving the node
 * untranslated). Rejecting the range in the node's FORWARD chain — after translation a packet
 * carries a pod's address, so only untranslated ones match — turns that race into a refused
 * connection, which every client retries on a new one. Idempotent: checked before it is added.
 */
export function fenceServiceNetwork(engine: Engine): string {
  const subnet = serviceSubnet();
  const rules = [
    ['-d', subnet, '-p', 'tcp', '-m', 'comment', '--comment', fenceComment, '-j', 'REJECT', '--reject-with', 'tcp-reset'],
    ['-d', subnet, '-m', 'comment', '--comment', fenceComment, '-j', 'REJECT'],
  ];
  let added = 0;
  rules.forEach((rule, i) => {
    if (succeeds('docker', ['exec', nodeContainer, 'iptables', '-C', 'FORWARD', ...rule], { env: engine.env })) return;
    capture('docker', ['exec', nodeContainer, 'iptables', '-I', 'FORWARD', String(i + 1), ...rule], { env: engine.env });
    added++;
  });
  return `${subnet} rejected in ${nodeContainer}'s FORWARD chain unless translated${added === 0 ? ' (already)' : ''}`;
}
