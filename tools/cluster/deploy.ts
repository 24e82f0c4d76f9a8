// Deploying MarketBill onto the kind cluster the way an operator does — `skaffold run -p local`
// with the repository's skaffold.yaml — and checking what came up.
import fs from 'node:fs';
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

type Pod = {
  metadata: { name: string; labels?: Record<string, string> };
  status: { phase: string; conditions?: { type: string; status: string }[]; containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[] };
};
type ContainerStatus = { name: string; restartCount: number; state?: { terminated?: { exitCode: number } }; lastState?: { terminated?: { exitCode: number; reason?: string } } };

/** Pods of the namespace that have not run to completion (a finished Job's pod is never Ready). */
function livePods(tools: Tools, options: { timeoutMs?: number } = {}): Pod[] {
  return (JSON.parse(kubectl(tools, ['get', 'pods', '-o', 'json'], options)) as { items: Pod[] }).items.filter((p) => p.status.phase !== 'Succeeded');
}

const isReady = (p: Pod) => p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/**
 * skaffold deployed everything at once, as an operator's first `skaffold run` on a fresh cluster:
 * the services started beside a Kafka, registry and Postgres that were not up yet. They must have
 * waited (readiness false) rather than exited — no container of theirs, init or main, restarted.
 * Returns, per service, how many times it logged that it was waiting for a dependency.
 */
export function assertServicesWaited(tools: Tools): { service: string; waits: number }[] {
  const pods = (JSON.parse(kubectl(tools, ['get', 'pods', '-l', 'app.kubernetes.io/part-of=marketbill', '-o', 'json'])) as { items: Pod[] }).items;
  const restarted = pods.flatMap((p) =>
    [...(p.status.initContainerStatuses ?? []), ...(p.status.containerStatuses ?? [])]
      .filter((c) => c.restartCount > 0)
      .map((c) => `${p.metadata.name}/${c.name}: ${c.restartCount} restart(s), last exit ${c.lastState?.terminated?.exitCode ?? '?'} ${c.lastState?.terminated?.reason ?? ''}`),
  );
  if (restarted.length > 0) throw new ClusterError(`services restarted instead of waiting for their dependencies:\n  ${restarted.join('\n  ')}`);
  return [...new Set(pods.map((p) => p.metadata.labels?.['app.kubernetes.io/name'] ?? p.metadata.name))].sort().map((service) => {
    const logs = ['migrate', service].map((c) => {
      try {
        return kubectl(tools, ['logs', `deploy/${service}`, '-c', c]);
      } catch {
        return '';
      }
    });
    return { service, waits: logs.join('\n').split('\n').filter((l) => l.includes('"waiting for a dependency"')).length };
  });
}

/**
 * Restarts of the infrastructure's containers (Kafka, registry, Postgres …), e.g. `registry 1×`: they
 * are allowed (kind's Apicurio is restarted by its liveness probe when it started before Postgres
 * answered), but the run says how often that happens.
 */
export function infrastructureRestarts(tools: Tools): string[] {
  const pods = (JSON.parse(kubectl(tools, ['get', 'pods', '-l', '!app.kubernetes.io/part-of', '-o', 'json'])) as { items: Pod[] }).items;
  return pods.flatMap((p) => {
    const restarts = (p.status.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0);
    return restarts > 0 ? [`${p.metadata.labels?.['app.kubernetes.io/name'] ?? p.metadata.name} ${restarts}×`] : [];
  });
}

/** Waits until every pod of the namespace is Ready (and none is failing). */
export async function waitAllReady(tools: Tools, timeoutMs = 600_000): Promise<string[]> {
  return waitFor(`every pod in ${namespace} to be Ready`, () => {
    const running = livePods(tools);
    return running.length > 0 && running.every(isReady) ? running.map((p) => p.metadata.name) : undefined;
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

/**
 * After a failed `up`: every pod's state, and for each pod that is not Ready its recent events and
 * the last lines of its containers' logs (of the previous instance too, when one restarted) —
 * written to .stack/cluster/logs/diagnosis.log, with a short summary returned for the terminal. CI
 * deletes the cluster right after a failure, so this file and the summary are all that is left.
 */
export function diagnose(tools: Tools): string {
  const attempt = (args: string[]): string => {
    try {
      return kubectl(tools, args, { timeoutMs: 30_000 });
    } catch (err) {
      return `(kubectl ${args.join(' ')}: ${(err as Error).message.split('\n')[0]})`;
    }
  };
  const sections = [`$ kubectl get pods -o wide\n${attempt(['get', 'pods', '-o', 'wide'])}`];
  const summary: string[] = [];
  let pods: Pod[] = [];
  try {
    pods = livePods(tools, { timeoutMs: 30_000 });
  } catch {
    // the API server may be what failed; the listing above says so
  }
  for (const pod of pods.filter((p) => !isReady(p))) {
    const name = pod.metadata.name;
    sections.push(`$ kubectl describe pod ${name}\n${attempt(['describe', 'pod', name])}`);
    // An init container that has not finished yet (e.g. one still waiting for Postgres) is what
    // holds such a pod back; the main container has no log then.
    const pending = (pod.status.initContainerStatuses ?? []).filter((c) => c.state?.terminated?.exitCode !== 0);
    for (const c of pending.length > 0 ? pending : (pod.status.containerStatuses ?? [])) {
      const logs = attempt(['logs', name, '-c', c.name, '--tail=200']);
      sections.push(`$ kubectl logs ${name} -c ${c.name} --tail=200\n${logs}`);
      if (c.restartCount > 0) sections.push(`$ kubectl logs ${name} -c ${c.name} --previous --tail=200\n${attempt(['logs', name, '-c', c.name, '--previous', '--tail=200'])}`);
      // The lines that usually say why: errors and exceptions, else the last few.
      const lines = logs.split('\n').filter((l) => l.trim() && !/^\s+at /.test(l));
      const telling = lines.filter((l) => /error|exception|fatal|refused|denied|timeout|not exist/i.test(l));
      summary.push(`  ${name}/${c.name}: not ready, ${c.restartCount} restart(s)`, ...(telling.length > 0 ? telling : lines).slice(-3).map((l) => `    ${l.slice(0, 240)}`));
    }
  }
  const file = path.join(clusterLogsDir, 'diagnosis.log');
  fs.mkdirSync(clusterLogsDir, { recursive: true });
  fs.writeFileSync(file, `${sections.join('\n\n')}\n`);
  return `${summary.length > 0 ? summary.join('\n') : '  every pod is Ready'}\n  (pods, events and logs: ${file})`;
}

/** Demo accounts (seed-demo, idempotent) inside the ordering pod, with the overlay's DEMO_PASSWORD. */
export function seedDemo(tools: Tools): string {
  return kubectl(tools, ['exec', 'deploy/ordering', '-c', 'ordering', '--', 'node', '--disable-warning=TimeoutNegativeWarning', 'services/ordering/dist/seed-demo.js'], { timeoutMs: 120_000 });
}

/**
 * The fence of fenceServiceNetwork (kind.ts), checked from inside a pod: a connection to an address
 * of the Service range that no Service has (so kube-proxy has no rule for it) must be refused in
 * the node. Before the fence such a connection left the node for this machine's network, where
 * something answered HTTP — which is how the notifier once waited fifteen minutes for a registry
 * that was up.
 */
export function assertServiceNetworkFenced(tools: Tools, candidates: string[]): string {
  const used = new Set(kubectl(tools, ['get', 'services', '--all-namespaces', '-o', 'jsonpath={.items[*].spec.clusterIP}'], { namespaced: false }).split(/\s+/));
  const unusedServiceAddress = candidates.find((address) => !used.has(address));
  if (!unusedServiceAddress) throw new ClusterError(`every candidate Service address is taken: ${candidates.join(', ')}`);
  const probe = `const s = require('node:net').connect({ host: '${unusedServiceAddress}', port: 8080, timeout: 5000 });
s.on('connect', () => { console.log('connected'); s.destroy(); });
s.on('timeout', () => { console.log('timeout'); s.destroy(); });
s.on('error', (e) => console.log(e.code));`;
  const answer = kubectl(tools, ['exec', 'deploy/ordering', '-c', 'ordering', '--', 'node', '-e', probe], { timeoutMs: 30_000 }).trim();
  if (answer !== 'ECONNREFUSED' && answer !== 'ECONNRESET') {
    throw new ClusterError(`a connection from a pod to ${unusedServiceAddress}:8080 (a Service address no Service has) ended in "${answer}", not refused: untranslated Service traffic leaves the node`);
  }
  return `${unusedServiceAddress}:8080 from a pod: ${answer}`;
}
