// Reaching the system in the cluster from this machine and following the story through it:
// port-forwards to the edge, S3 and Jaeger on 127.0.0.1 (kubectl port-forward, each a background
// process with a pid file that `down` stops), the demo story through the edge, the statement PDF from
// its presigned link, and the statement's trace read back from Jaeger's query API.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { codeFromNotifierLog, runStory, type StoryResult } from '../demo-story.ts';
import { portAnswers } from '../stack/ports.ts';
import { isAlive, terminate } from '../stack/process.ts';
import { kubectl, type Tools } from './kind.ts';
import { clusterLogsDir, clusterStateDir, forwardPorts, kubeconfigPath, kubeContext, namespace } from './settings.ts';
import { ClusterError, waitFor } from './shell.ts';

const pidsDir = path.join(clusterStateDir, 'pids');

export type Forward = { name: string; service: string; remotePort: number; localPort: number };

export const forwards: Forward[] = [
  { name: 'edge', service: 'ordering', remotePort: 8080, localPort: forwardPorts.edge },
  // The kind overlay presigns statement links for http://127.0.0.1:9000 (S3_PRESIGN_ENDPOINT).
  { name: 's3', service: 's3', remotePort: 8080, localPort: forwardPorts.s3 },
  { name: 'jaeger', service: 'jaeger', remotePort: 16686, localPort: forwardPorts.jaeger },
];

function pidFile(name: string): string {
  return path.join(pidsDir, `port-forward-${name}.pid`);
}

/** The pid of our port-forward `name`, if it still runs (checked against its command line). */
export function forwardPid(name: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(pidFile(name), 'utf8').trim());
    if (!isAlive(pid)) return undefined;
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.includes('port-forward') && cmdline.includes(kubeconfigPath) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Port-forwards to the edge, S3 and Jaeger, started afresh: `kubectl port-forward service/…` pins
 * one pod when it starts, and a `skaffold run` over a running cluster replaces the services' pods,
 * so a forward left from the previous run points at a pod that is gone (its first connection fails
 * with "lost connection to pod").
 */
export async function startForwards(tools: Tools): Promise<void> {
  fs.mkdirSync(pidsDir, { recursive: true });
  fs.mkdirSync(clusterLogsDir, { recursive: true });
  await stopForwards();
  for (const f of forwards) {
    if (await portAnswers(f.localPort, 500)) throw new ClusterError(`127.0.0.1:${f.localPort} is taken; the ${f.name} port-forward needs it (MB_CLUSTER_${f.name.toUpperCase()}_PORT)`);
    const log = fs.openSync(path.join(clusterLogsDir, `port-forward-${f.name}.log`), 'a');
    const child = spawn(
      tools.kubectl,
      ['--kubeconfig', kubeconfigPath, '--context', kubeContext, '--namespace', namespace, 'port-forward', '--address', '127.0.0.1', `service/${f.service}`, `${f.localPort}:${f.remotePort}`],
      { detached: true, stdio: ['ignore', log, log] },
    );
    fs.closeSync(log);
    child.unref();
    fs.writeFileSync(pidFile(f.name), `${child.pid}\n`);
    await waitFor(`the ${f.name} port-forward on 127.0.0.1:${f.localPort}`, async () => ((await portAnswers(f.localPort, 500)) ? true : undefined), 30_000, 300);
  }
}

export async function stopForwards(): Promise<number[]> {
  const stopped: number[] = [];
  for (const f of forwards) {
    const pid = forwardPid(f.name);
    if (pid !== undefined) {
      await terminate(pid, 5_000);
      stopped.push(pid);
    }
    fs.rmSync(pidFile(f.name), { force: true });
  }
  return stopped;
}

export function edgeUrl(): string {
  return `http://127.0.0.1:${forwardPorts.edge}`;
}

export async function storyThroughTheEdge(tools: Tools, demoPassword: string, say: (line: string) => void): Promise<StoryResult> {
  return runStory({
    edge: edgeUrl(),
    demoPassword,
    // The notifier's log provider prints each SMS (APP_ENV=local): read it from the pod's log.
    smsCode: async (phone, since) => codeFromNotifierLog(kubectl(tools, ['logs', 'deploy/notifier', '-c', 'notifier', '--since=10m']), phone, since),
    pdfDir: path.join(clusterStateDir, 'demo'),
    say,
    step: (n, title) => say(`  ${n}. ${title}`),
  });
}

type JaegerTrace = {
  traceID: string;
  spans: { spanID: string; operationName: string; processID: string; references?: { refType: string; spanID: string }[] }[];
  processes: Record<string, { serviceName: string }>;
};

export type TraceHop = { service: string; operation: string };

/**
 * The statement's trace from Jaeger (GET /api/traces/<id>): the edge's request, billing's
 * statement.issued publish and the notifier's processing of it, the consumer span a child of the
 * publish span (context carried in the Kafka headers). Waits while the spans are still in flight
 * (each service exports in batches; the collector batches again).
 */
export async function traceFromJaeger(traceId: string): Promise<{ spans: number; services: string[]; hops: TraceHop[] }> {
  const url = `http://127.0.0.1:${forwardPorts.jaeger}/api/traces/${traceId}`;
  return waitFor(
    `the trace ${traceId} with ordering, billing and notifier spans in Jaeger (${url})`,
    async () => {
      const response = await fetch(url);
      if (!response.ok) return undefined;
      const trace = ((await response.json()) as { data?: JaegerTrace[] }).data?.[0];
      if (!trace) return undefined;
      const serviceOf = (s: JaegerTrace['spans'][number]) => trace.processes[s.processID]?.serviceName ?? '?';
      const byId = new Map(trace.spans.map((s) => [s.spanID, s]));
      const parentOf = (s: JaegerTrace['spans'][number]) => byId.get(s.references?.find((r) => r.refType === 'CHILD_OF')?.spanID ?? '');
      // The edge's request: the root of what was recorded (its parent is the span id we made up).
      const edge = trace.spans.find((s) => serviceOf(s) === 'ordering' && !parentOf(s));
      // billing's HTTP handler: a billing span whose parent is one of the edge's.
      const handler = trace.spans.find((s) => serviceOf(s) === 'billing' && parentOf(s) && serviceOf(parentOf(s)!) === 'ordering');
      const publish = trace.spans.find((s) => serviceOf(s) === 'billing' && s.operationName.endsWith('statement.issued publish'));
      const consume = trace.spans.find((s) => serviceOf(s) === 'notifier' && s.operationName.endsWith('statement.issued process'));
      if (!publish || !consume || !edge || !handler) return undefined;
      if (!consume.references?.some((r) => r.refType === 'CHILD_OF' && r.spanID === publish.spanID)) {
        throw new ClusterError(`in trace ${traceId} the notifier's span is not a child of billing's publish span`);
      }
      return {
        spans: trace.spans.length,
        services: [...new Set(trace.spans.map(serviceOf))].sort(),
        hops: [edge, handler, publish, consume].map((s) => ({ service: serviceOf(s), operation: s.operationName })),
      };
    },
    120_000,
    2_000,
  );
}
