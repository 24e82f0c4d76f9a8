// `npm run cluster [up|down|status|build]`: the whole system on a real single-node Kubernetes
// (kind) on this machine, deployed the way an operator deploys it (`skaffold run -p local`), then
// the story through the edge, the statement PDF from its presigned link and the trace from Jaeger.
//
//   up      (default) build what is missing, create the cluster, deploy, run the story
//   down    stop the port-forwards, delete the cluster, stop the Docker engine we started
//   status  what runs
//   build   only build (binaries and images) — e.g. ahead of time, while tests run
//
// Nothing is pulled: Kubernetes, kind, containerd, etcd, CoreDNS and the rest are built from the Go
// module proxy, base images from Debian's apt (debootstrap), infrastructure images from the jars and
// packages the local stack uses. All of it is kept in the machine-wide cache ($MB_MACHINE_CACHE,
// default /var/cache/marketbill), so only the first run on a machine pays for it. deploy/k8s/README.md
// explains every piece and what it costs.
import fs from 'node:fs';
import path from 'node:path';
import { ensureInfrastructureImages, ensureNodeBaseImage } from './cluster/app-images.ts';
import { assertNoTestCode, assertServiceNetworkFenced, assertServicesWaited, diagnose, infrastructureRestarts, renderLocal, seedDemo, skaffoldRun, waitAllReady } from './cluster/deploy.ts';
import { currentEngine, ensureDebianPackages, ensureEngine, ourEnginePid, stopOurEngine, type Engine } from './cluster/docker-engine.ts';
import { buildGo, recipes } from './cluster/go-builds.ts';
import { withLock } from './cluster/lock.ts';
import { builtClusterTools, clusterExists, clusterTools, deleteCluster, ensureCluster, fenceServiceNetwork, kubectl, loadImages, serviceAddressesFromTheEnd } from './cluster/kind.ts';
import { ensureNodeImage } from './cluster/node-image.ts';
import { clusterLogsDir, clusterName, clusterStateDir, forwardPorts, kubeconfigPath, machineCache, namespace, repoRoot } from './cluster/settings.ts';
import { capture, ClusterError, info, step, steps } from './cluster/shell.ts';
import { edgeUrl, forwardPid, forwards, startForwards, stopForwards, storyThroughTheEdge, traceFromJaeger } from './cluster/story.ts';
import { shown } from './stack/paths.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);
const rel = (p: string) => shown(path.relative(process.cwd(), p).startsWith('..') ? p : path.relative(process.cwd(), p));

function readEnvFile(file: string): Record<string, string> {
  return Object.fromEntries(
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z][A-Z0-9_]*=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

async function prerequisites(): Promise<Engine> {
  await step('Debian packages (docker.io, debootstrap, gcc) and the Docker engine', async () => {
    ensureDebianPackages({ 'docker.io': 'dockerd', debootstrap: 'debootstrap', iptables: 'iptables', gcc: 'gcc' });
  });
  return step('Docker engine', () => ensureEngine(), (e) => (e.ours ? `our dockerd, pid ${ourEnginePid()}, ${e.host}` : `the machine's engine at ${e.host}`));
}

async function build(engine: Engine): Promise<void> {
  for (const recipe of [recipes.kubernetes, recipes.etcd, recipes.containerd, recipes.crictl, recipes.coredns, recipes.localPathProvisioner, recipes.kind]) {
    await step(`${recipe.name} ${recipe.version} (Go module ${recipe.module})`, () => buildGo(recipe), (dir) => rel(dir));
  }
  await step(`${recipes.skaffold.name} ${recipes.skaffold.version} (Go module ${recipes.skaffold.module})`, () => buildGo(recipes.skaffold), (dir) => rel(dir));
  await step('kind node image (Debian base, kind base, Kubernetes component images, node)', () => ensureNodeImage(engine), (tag) => tag);
  const rendered = await step('render deploy/k8s/overlays/local (kustomize)', () => renderLocal(), (r) => `${r.images.length} images named`);
  await step('infrastructure images (Kafka, Apicurio, Postgres, S3Proxy, OTel Collector, Jaeger)', () => ensureInfrastructureImages(engine, rendered.images), (b) => b.join(', '));
  await step("the services' Node base image (NODE_IMAGE of their Dockerfiles)", () => ensureNodeBaseImage(engine), (tag) => tag);
  // Rebuilt images leave their predecessors untagged; in our own engine nobody else needs them.
  if (engine.ours) capture('docker', ['image', 'prune', '--force'], { env: engine.env });
}

async function up(): Promise<void> {
  const started = Date.now();
  const engine = await prerequisites();
  await build(engine);
  const tools = await clusterTools();
  const created = await step(`kind cluster "${clusterName}" (one node)`, async () => ensureCluster(engine, tools, await ensureNodeImage(engine)), (c) => (c ? 'created' : 'reused'));
  await step('Service addresses stay in the cluster (untranslated ones are refused in the node)', async () => fenceServiceNetwork(engine), (s) => s);
  const rendered = renderLocal();
  await step('load the infrastructure images into the node (kind load docker-image)', () => loadImages(engine, tools, rendered.images.filter((i) => !i.startsWith('marketbill/'))));
  const skaffold = await step('skaffold run -p local (builds the five service images, loads them, deploys)', () => skaffoldRun(engine, tools), (r) => r.images.join(', '));
  await step('the service images hold no test-harness code', () => assertNoTestCode(engine, skaffold.images));
  const pods = await step(`every pod in namespace ${namespace} Ready`, () => waitAllReady(tools), (p) => `${p.length} pods; infrastructure restarts: ${infrastructureRestarts(tools).join(', ') || 'none'}`);
  await step('the five services waited for their dependencies (no container restarted)', async () => assertServicesWaited(tools), (w) => w.map((x) => `${x.service} ${x.waits}×`).join(', ') + ' "waiting for a dependency"');
  await step('an untranslated Service address is refused in the node, not routed out', async () => assertServiceNetworkFenced(tools, serviceAddressesFromTheEnd(16)), (s) => s);
  const seeded = await step('demo accounts (seed-demo in the ordering pod)', () => seedDemo(tools));
  await step('port-forwards on 127.0.0.1 (edge, S3 for presigned links, Jaeger)', () => startForwards(tools), () => forwards.map((f) => `${f.name} :${f.localPort}`).join(', '));
  const demoPassword = readEnvFile(path.join(repoRoot, 'deploy/k8s/overlays/local/secrets/ordering.env')).DEMO_PASSWORD;
  if (!demoPassword) throw new ClusterError('deploy/k8s/overlays/local/secrets/ordering.env has no DEMO_PASSWORD');
  const story = await step('the story through the edge (sign-up … statement … PDF … SMS log)', () => storyThroughTheEdge(tools, demoPassword, (l) => info(l)), (s) => `statement ${s.statement.number}, ${s.pdfBytes}-byte PDF`);
  const trace = await step('the statement trace read back from Jaeger (edge → billing → notifier)', () => traceFromJaeger(story.traceId), (t) => `${t.spans} spans from ${t.services.join(', ')}`);

  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  say(`
MarketBill runs on Kubernetes ${created ? '(new cluster)' : '(existing cluster)'} — ${pods.length} pods Ready, ${minutes} min in all.

${steps.map((s) => `  ${s.seconds.toFixed(1).padStart(7)} s  ${s.title}`).join('\n')}

  REST edge       ${edgeUrl()}/v1   (Swagger UI ${edgeUrl()}/docs)
  Jaeger          http://127.0.0.1:${forwardPorts.jaeger}/api/traces/${story.traceId}   (UI http://127.0.0.1:${forwardPorts.jaeger}/trace/${story.traceId})
  statement PDF   ${rel(story.pdfFile)} (downloaded from its presigned link via 127.0.0.1:${forwardPorts.s3})
  trace           ${trace.hops.map((h) => `${h.service}: ${h.operation}`).join('  →  ')}
  kubectl         KUBECONFIG=${rel(kubeconfigPath)} kubectl -n ${namespace} get pods   (kubectl: ${rel(tools.kubectl)})
  logs            ${rel(clusterLogsDir)}/ (this run), ${machineCache}/logs/ (builds)
${seeded.trim().replace(/^/gm, '  ')}

Stop everything: npm run cluster -- down
`);
}

async function down(): Promise<void> {
  const stopped = await stopForwards();
  if (stopped.length > 0) say(`stopped port-forwards (pids ${stopped.join(', ')})`);
  const engine = currentEngine();
  const tools = builtClusterTools();
  if (engine && tools) {
    if (clusterExists(engine, tools)) {
      await deleteCluster(engine, tools);
      say(`deleted kind cluster ${clusterName}`);
    }
  }
  const pid = await stopOurEngine();
  if (pid !== undefined) say(`stopped dockerd (pid ${pid}); its images stay in ${machineCache}/docker for the next run`);
  fs.rmSync(kubeconfigPath, { force: true });
}

async function status(): Promise<void> {
  const engine = currentEngine();
  say(`Docker engine: ${engine ? (engine.ours ? `ours (pid ${ourEnginePid()})` : engine.host) : 'none answers'}`);
  const tools = builtClusterTools();
  if (!engine || !tools) return;
  if (!clusterExists(engine, tools)) {
    say(`kind cluster ${clusterName}: none`);
    return;
  }
  say(`kind cluster ${clusterName}: running (KUBECONFIG=${rel(kubeconfigPath)})`);
  say(kubectl(tools, ['get', 'pods', '-o', 'wide']).trimEnd());
  for (const f of forwards) say(`port-forward ${f.name.padEnd(7)} 127.0.0.1:${f.localPort} → svc/${f.service}:${f.remotePort}  ${forwardPid(f.name) ? `pid ${forwardPid(f.name)}` : 'not running'}`);
}

const command = process.argv[2] ?? 'up';
fs.mkdirSync(clusterStateDir, { recursive: true });
try {
  if (command === 'up') await withLock('cluster', up);
  else if (command === 'down') await withLock('cluster', down);
  else if (command === 'status') await status();
  else if (command === 'build') await withLock('cluster', async () => build(await prerequisites()));
  else throw new ClusterError(`unknown command ${command}: npm run cluster [-- up|down|status|build]`);
} catch (err) {
  process.stderr.write(`\ncluster ${command} failed: ${err instanceof Error ? err.message : String(err)}\n`);
  if (command === 'up') {
    const engine = currentEngine();
    const tools = builtClusterTools();
    if (engine && tools && clusterExists(engine, tools)) process.stderr.write(`\nWhat the cluster shows:\n${diagnose(tools)}\n`);
    process.stderr.write('The cluster is left as it is for a look (npm run cluster -- status); npm run cluster -- down stops it.\n');
  }
  process.exit(1);
}
