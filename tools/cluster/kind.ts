// The kind cluster itself: created from our node image with tools/cluster/kind-config.yaml, its
// kubeconfig kept in .stack/cluster/kubeconfig (never merged into ~/.kube/config), deleted by `down`.
import fs from 'node:fs';
import path from 'node:path';
import type { Engine } from './docker-engine.ts';
import { buildGo, isBuilt, outputDir, recipes } from './go-builds.ts';
import { clusterLogsDir, clusterName, clusterStateDir, kubeconfigPath, kubeContext, namespace } from './settings.ts';
import { capture, ClusterError, logged, succeeds } from './shell.ts';

const kindConfig = path.join(import.meta.dirname, 'kind-config.yaml');

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
    return capture('docker', ['inspect', '--format', '{{.Config.Image}}', `${clusterName}-control-plane`], { env: engine.env }).trim();
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
    const fresh = running && capture('docker', ['inspect', '--format', '{{.Image}}', `${clusterName}-control-plane`], { env: engine.env }).trim() === imageIdOf(engine, nodeImage);
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
