// Deploying MarketBill onto the kind cluster the way an operator does — `skaffold run -p local`
// with the repository's skaffold.yaml — and checking what came up.
import path from 'node:path';
import { imagesOf, renderOverlay } from '../deploy-tools.ts';
import { buildGo, recipes } from './go-builds.ts';
import type { Engine } from './docker-engine.ts';
import { clusterEnv, kubectl, type Tools } from './kind.ts';
import { clusterLogsDir, kubeContext, namespace, repoRoot } from './settings.ts';
import { capture, ClusterError, info, logged, waitFor } from './shell.ts';

export type Rendered = { text: string; images: string[] };

export function renderLocal(): Rendered {
  // The local overlay's Secrets come from git-ignored files made with random values.
  capture(process.execPath, [path.join(repoRoot, 'tools', 'k8s-local-secrets.ts')], { cwd: repoRoot });
  const text = renderOverlay('local');
  return { text, images: imagesOf(text) };
}

/** Objects of the local overlay that are not the five services (not labelled part-of=marketbill). */
const infrastructureSelector = 'app.kubernetes.io/part-of!=marketbill';

/**
 * The stateful infrastructure first: Postgres, Kafka and S3 (with the Services, ConfigMaps and
 * Secrets they need) are applied and awaited before skaffold deploys everything else. Services that
 * find Kafka or Postgres missing at start exit today (issue 10 item 4, in progress elsewhere), and
 * Kafka takes minutes to start on two shared cores. Only the StatefulSets: skaffold leaves their pod
 * templates alone (skaffold.yaml's resourceSelector), while a Deployment applied here would be rolled
 * again by skaffold's per-run label — the registry among them, under services already connected to
 * it. Once the services wait for their dependencies this only stops being necessary.
 */
export async function applyInfrastructure(tools: Tools, rendered: Rendered): Promise<{ workloads: string[]; applied: boolean }> {
  const documents = rendered.text.split(/^---$/m).filter((d) => !/^kind: Deployment$/m.test(d));
  const statefulSets = documents.filter((d) => /^kind: StatefulSet$/m.test(d)).length;
  const list = () =>
    (JSON.parse(kubectl(tools, ['get', 'statefulsets', '-l', infrastructureSelector, '-o', 'json'])) as {
      items: { metadata: { name: string }; spec: { replicas?: number }; status: { readyReplicas?: number } }[];
    }).items;
  try {
    const running = list();
    // On a cluster where skaffold deployed before they run already: nothing to wait for.
    if (running.length >= statefulSets && running.every((i) => (i.status.readyReplicas ?? 0) >= (i.spec.replicas ?? 1))) {
      return { workloads: running.map((i) => `statefulset/${i.metadata.name}`), applied: false };
    }
  } catch {
    // no namespace yet
  }
  kubectl(tools, ['apply', '-l', infrastructureSelector, '-f', '-'], { input: documents.join('---'), namespaced: false });
  const workloads = list().map((i) => `statefulset/${i.metadata.name}`);
  for (const workload of workloads) {
    await waitFor(`${workload} to roll out`, () => {
      try {
        kubectl(tools, ['rollout', 'status', workload, '--timeout=20s'], { timeoutMs: 30_000 });
        return true;
      } catch {
        return undefined;
      }
    }, 600_000, 1_000);
  }
  return { workloads, applied: true };
}

export type SkaffoldResult = { images: string[] };

/**
 * `skaffold run -p local` with the offline profile's patches switched on by MB_SKAFFOLD_OFFLINE=1.
 * Returns the service images it deployed (as the Deployments name them now: name:tag).
 */
export async function skaffoldRun(engine: Engine, tools: Tools): Promise<SkaffoldResult> {
  const skaffold = path.join(await buildGo(recipes.skaffold), 'skaffold');
  const env = {
    ...clusterEnv(engine, tools),
    MB_SKAFFOLD_OFFLINE: '1',
    SKAFFOLD_UPDATE_CHECK: 'false',
    SKAFFOLD_INTERACTIVE: 'false',
    SKAFFOLD_COLLECT_METRICS: 'false',
  };
  const log = path.join(clusterLogsDir, 'skaffold-run.log');
  info(`MB_SKAFFOLD_OFFLINE=1 skaffold run -p local --kube-context ${kubeContext} (log: ${log})`);
  await logged(skaffold, ['run', '-p', 'local', '--kube-context', kubeContext, '--status-check=true'], log, { cwd: repoRoot, env });
  const images = kubectl(tools, ['get', 'deployments', '-l', 'app.kubernetes.io/part-of=marketbill', '-o', 'jsonpath={.items[*].spec.template.spec.containers[*].image}']);
  return { images: [...new Set(images.split(/\s+/).filter(Boolean))].sort() };
}

/** Waits until every pod of the namespace is Ready (and none is failing). */
export async function waitAllReady(tools: Tools, timeoutMs = 600_000): Promise<string[]> {
  return waitFor(`every pod in ${namespace} to be Ready`, () => {
    const pods = JSON.parse(kubectl(tools, ['get', 'pods', '-o', 'json'])) as {
      items: { metadata: { name: string; ownerReferences?: { kind: string }[] }; status: { phase: string; conditions?: { type: string; status: string }[] } }[];
    };
    const running = pods.items.filter((p) => p.status.phase !== 'Succeeded');
    const notReady = running.filter((p) => !p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    return running.length > 0 && notReady.length === 0 ? running.map((p) => p.metadata.name) : undefined;
  }, timeoutMs, 2_000);
}

/**
 * The images must not carry test-harness code: compiled tests, the services' testing/ and
 * test-support/ helpers (fake servers, harnesses), the @marketbill/testing package.
 */
export function assertNoTestCode(engine: Engine, images: string[]): void {
  const findings: string[] = [];
  for (const image of images) {
    const out = capture(
      'docker',
      ['run', '--rm', '--network', 'none', '--entrypoint', 'find', image, '/app', '(', '-path', '*/node_modules/*', '!', '-path', '*/node_modules/@marketbill/*', ')', '-prune', '-o',
        '(', '-name', '*.test.js', '-o', '-name', '*.test.d.ts', '-o', '-type', 'd', '(', '-name', 'testing', '-o', '-name', 'test-support', ')', ')', '-print'],
      { env: engine.env },
    ).trim();
    if (out) findings.push(`${image}:\n  ${out.split('\n').join('\n  ')}`);
  }
  if (findings.length > 0) throw new ClusterError(`test-harness code in the service images:\n${findings.join('\n')}`);
}

/** Demo accounts (seed-demo, idempotent) inside the ordering pod, with the overlay's DEMO_PASSWORD. */
export function seedDemo(tools: Tools): string {
  return kubectl(tools, ['exec', 'deploy/ordering', '-c', 'ordering', '--', 'node', '--disable-warning=TimeoutNegativeWarning', 'services/ordering/dist/seed-demo.js'], { timeoutMs: 120_000 });
}
