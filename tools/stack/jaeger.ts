// Jaeger v2, the trace viewer of `npm run up` (and the receiver that proves it in `npm test`).
//
// Nothing else can be fetched here, so the binary is built from its Go module, pinned below, in a
// throw-away module: the replace directives of Jaeger's own go.mod are copied into it (Go ignores
// a dependency's replaces, and `go install pkg@version` refuses a module that has any). The
// binary is cached machine-wide in $MB_MACHINE_CACHE/go-bin/jaeger@<version>/jaeger (default
// /var/cache/marketbill), where the cluster tooling reuses it for its Jaeger image; the Go module
// and build caches live beside it, so an interrupted build resumes where it stopped. The build is
// bounded (MB_JAEGER_BUILD_TIMEOUT_MINUTES, default 45) and one build runs at a time per machine.
//
// What runs: one process with OTLP/HTTP in, in-memory storage (100 000 traces) and the query
// service (HTTP API and UI, plus its gRPC API), all on 127.0.0.1 — config generated into
// .stack/jaeger/config.yaml on every start. The Go module has no UI assets (they are built from
// the separate jaeger-ui JavaScript project, which no registry we reach publishes): the module
// build serves a placeholder page. So the query service serves our own small viewer
// (tools/stack/jaeger-ui/: search by service, a trace's spans as a waterfall) through its
// `ui.assets_path` option, over Jaeger's own /api/traces endpoints.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { componentDir, logPath, readTextOr, shown } from './paths.ts';
import { ephemeralPortsNote, host, portAnswers, waitUntil } from './ports.ts';
import { isAlive, readPid, removePid, run, StackError, startDetached, tailLog, terminate, which, type Log } from './process.ts';

const component = 'jaeger';
export const jaegerModule = 'github.com/jaegertracing/jaeger';
export const jaegerVersion = 'v1.75.0';
/**
 * The `jaegertracing/jaeger` image tag of the same release (Jaeger cuts v1.x and v2.x together:
 * CHANGELOG.md "v1.74.0 / v2.11.0"; RELEASE.md schedules 2.12.0, cut as v1.75.0). The kind
 * manifests name this tag; `npm run cluster` builds it from the binary above.
 */
export const jaegerImageTag = '2.12.0';
const jaegerPackage = `${jaegerModule}/cmd/jaeger`;

export type JaegerPorts = { ui: number; otlp: number; queryGrpc: number };

const portDefaults: Record<keyof JaegerPorts, [envName: string, port: number]> = {
  ui: ['MB_JAEGER_UI_PORT', 26686],
  otlp: ['MB_JAEGER_OTLP_PORT', 26318],
  queryGrpc: ['MB_JAEGER_QUERY_GRPC_PORT', 26685],
};

export function readJaegerPorts(env: NodeJS.ProcessEnv = process.env): JaegerPorts {
  const ports = {} as JaegerPorts;
  for (const [key, [envName, fallback]] of Object.entries(portDefaults) as [keyof JaegerPorts, [string, number]][]) {
    const raw = env[envName];
    const port = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${envName}=${raw} is not a TCP port number`);
    ports[key] = port;
  }
  if (new Set(Object.values(ports)).size !== 3) throw new Error('MB_JAEGER_UI_PORT, MB_JAEGER_OTLP_PORT and MB_JAEGER_QUERY_GRPC_PORT must differ');
  return ports;
}

/** Where Jaeger's UI and query API answer, and where services send OTLP/HTTP. */
export type JaegerInfo = { uiUrl: string; otlpEndpoint: string; reused: boolean; pid: number; builtNow: boolean };

export function jaegerUrls(ports: JaegerPorts = readJaegerPorts()): { uiUrl: string; otlpEndpoint: string } {
  return { uiUrl: `http://${host}:${ports.ui}`, otlpEndpoint: `http://${host}:${ports.otlp}` };
}

// ── the machine-wide cache and the build ──────────────────────────────────────────────────────────

/**
 * The machine-wide cache: MB_MACHINE_CACHE, else /var/cache/marketbill when it can be written
 * (root, as on our machines and CI), else ~/.cache/marketbill (a developer's laptop).
 */
export function machineCache(): string {
  const given = process.env.MB_MACHINE_CACHE;
  if (given) return path.resolve(given);
  const system = '/var/cache/marketbill';
  try {
    fs.mkdirSync(system, { recursive: true });
    fs.accessSync(system, fs.constants.W_OK);
    return system;
  } catch {
    return path.join(os.homedir(), '.cache', 'marketbill');
  }
}

/** The cached binary: <cache>/go-bin/jaeger@<version>/jaeger. */
export function jaegerBinary(cache = machineCache()): string {
  return path.join(cache, 'go-bin', `jaeger@${jaegerVersion}`, 'jaeger');
}

function goEnv(cache: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOPATH: path.join(cache, 'go'),
    GOMODCACHE: path.join(cache, 'go', 'pkg', 'mod'),
    GOCACHE: path.join(cache, 'go', 'build-cache'),
    GOFLAGS: '-modcacherw',
    // The module asks for go ≥ 1.24.6; a newer local toolchain builds it, and none is downloaded.
    GOTOOLCHAIN: 'local',
    CGO_ENABLED: '0',
  };
}

/** `replace` directives of a go.mod (single-line and block form), as lines for another go.mod. */
export function replaceDirectives(goMod: string): string[] {
  const lines: string[] = [];
  const text = goMod.replace(/\/\/[^\n]*/g, '');
  for (const m of text.matchAll(/^replace\s+(?!\()(.+)$/gm)) lines.push(`replace ${(m[1] as string).trim()}`);
  for (const block of text.matchAll(/^replace\s*\(([\s\S]*?)^\)/gm)) {
    for (const line of (block[1] as string).split('\n').map((l) => l.trim()).filter(Boolean)) lines.push(`replace ${line}`);
  }
  return lines;
}

function timeoutMinutes(): number {
  const raw = Number(process.env.MB_JAEGER_BUILD_TIMEOUT_MINUTES ?? 45);
  return Number.isFinite(raw) && raw > 0 ? raw : 45;
}

/** Runs a Go command in its own process group, so a time-out stops the compilers it started too. */
function goRun(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string; deadline: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const fd = fs.openSync(options.logFile, 'a');
    fs.writeSync(fd, `\n$ go ${args.join(' ')}   (${new Date().toISOString()})\n`);
    const child = spawn('go', args, { cwd: options.cwd, env: options.env, stdio: ['ignore', fd, fd], detached: true });
    fs.closeSync(fd);
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }, Math.max(0, options.deadline - Date.now()));
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(signal === 'SIGKILL' ? 'stopped at the time limit' : `exited with ${code ?? signal}`));
    });
  });
}

/** One build per machine at a time: a lock file holding the builder's pid; a dead builder's lock is taken over. */
async function lockBuild(lock: string, log: Log, timeoutMs: number): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    try {
      fs.writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
      return () => fs.rmSync(lock, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number(readTextOr(lock).trim());
    if (!Number.isInteger(owner) || owner <= 0 || !isAlive(owner)) {
      fs.rmSync(lock, { force: true });
      continue;
    }
    if (!told) log(`jaeger: another build (pid ${owner}) is running; waiting for it`);
    told = true;
    if (Date.now() > deadline) throw new StackError(component, `another build (pid ${owner}) holds ${lock}`);
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

/**
 * The Jaeger binary, built once per machine. Returns its path and whether this call built it.
 * The build (~12 min of CPU; 30 min of wall clock on a loaded 2-core machine) is logged to
 * <cache>/logs/jaeger@<version>-build.log; an interrupted or timed-out build resumes on the next
 * call from the module and build caches.
 */
export async function ensureJaegerBinary(log: Log): Promise<{ binary: string; built: boolean }> {
  const cache = machineCache();
  const binary = jaegerBinary(cache);
  if (fs.existsSync(binary)) return { binary, built: false };
  if (!which('go')) throw new StackError(component, 'Go is needed to build Jaeger from its module (apt-get install golang, or a Go ≥ 1.24 toolchain)');
  const binDir = path.dirname(binary);
  fs.mkdirSync(binDir, { recursive: true });
  fs.mkdirSync(path.join(cache, 'logs'), { recursive: true });
  const release = await lockBuild(`${binDir}.lock`, log, (timeoutMinutes() + 5) * 60_000);
  try {
    if (fs.existsSync(binary)) return { binary, built: false }; // another process built it meanwhile
    const logFile = path.join(cache, 'logs', `jaeger@${jaegerVersion}-build.log`);
    const env = goEnv(cache);
    const started = Date.now();
    const deadline = started + timeoutMinutes() * 60_000;
    log(`jaeger: building ${jaegerPackage}@${jaegerVersion} from the Go module proxy into ${shown(binary)} (one-off per machine; log ${logFile})`);
    // The throw-away module: kept between attempts (it is small), so a resumed build skips `go get`.
    const work = `${binDir}.module`;
    fs.mkdirSync(work, { recursive: true });
    try {
      if (!fs.existsSync(path.join(work, 'go.sum'))) {
        const download = await run('go', ['mod', 'download', '-json', `${jaegerModule}@${jaegerVersion}`], { cwd: work, env });
        if (download.code !== 0) throw new Error(`go mod download ${jaegerModule}@${jaegerVersion}: ${download.stderr || download.stdout}`);
        const goMod = fs.readFileSync((JSON.parse(download.stdout) as { GoMod: string }).GoMod, 'utf8');
        const replaces = replaceDirectives(goMod);
        fs.writeFileSync(
          path.join(work, 'go.mod'),
          [
            '// Throw-away module that builds Jaeger (tools/stack/jaeger.ts); its replaces are copied from Jaeger’s go.mod.',
            'module marketbill.local/jaeger-build',
            '',
            'go 1.24',
            '',
            ...replaces,
            '',
          ].join('\n'),
        );
        await goRun(['get', `${jaegerPackage}@${jaegerVersion}`], { cwd: work, env, logFile, deadline });
      }
      const tmp = `${binary}.tmp-${process.pid}`;
      const ldflags = [
        '-s',
        '-w',
        `-X ${jaegerModule}/internal/version.latestVersion=${jaegerVersion}`,
        `-X ${jaegerModule}/internal/version.date=${new Date().toISOString().slice(0, 10)}`,
      ].join(' ');
      await goRun(['build', '-trimpath', '-ldflags', ldflags, '-o', tmp, jaegerPackage], { cwd: work, env, logFile, deadline });
      fs.renameSync(tmp, binary);
    } catch (error) {
      const minutes = ((Date.now() - started) / 60_000).toFixed(1);
      throw new StackError(
        component,
        `building Jaeger ${jaegerVersion} failed after ${minutes} min: ${(error as Error).message}. Run again to resume (downloaded modules and compiled packages are kept in ${shown(cache)}).\n${tailLog(logFile, 15)}`,
      );
    }
    log(`jaeger: built in ${((Date.now() - started) / 60_000).toFixed(1)} min`);
    return { binary, built: true };
  } finally {
    release();
  }
}

// ── running it ─────────────────────────────────────────────────────────────────────────────────────

function configFile(): string {
  return path.join(componentDir(component), 'config.yaml');
}

/** The viewer Jaeger's query service serves at its UI address (see the header of this file). */
export const viewerDir = path.join(import.meta.dirname, 'jaeger-ui');

function config(ports: JaegerPorts): string {
  return `# Generated by tools/stack/jaeger.ts on every start: edit that file, not this one.
# Jaeger v2 is an OpenTelemetry Collector: OTLP/HTTP in, in-memory storage, the query service out.
service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    resource:
      service.name: jaeger
    # No metrics endpoint of its own (the collector's default would listen on :8888).
    metrics:
      level: none
    logs:
      level: warn
extensions:
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: 100000
  jaeger_query:
    storage:
      traces: memstore
    # Jaeger's own query traces would crowd out ours.
    enable_tracing: false
    ui:
      assets_path: ${viewerDir}
    http:
      endpoint: ${host}:${ports.ui}
    # The query gRPC API always listens; without this it would take :16685 on every interface.
    grpc:
      endpoint: ${host}:${ports.queryGrpc}
receivers:
  otlp:
    protocols:
      http:
        endpoint: ${host}:${ports.otlp}
processors:
  batch:
exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
`;
}

/** Our process: alive and started with this checkout's config file (a Go program takes no marker argument). */
function isOurJaeger(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(`--config=${configFile()}`);
  } catch {
    return false;
  }
}

async function jaegerReady(uiUrl: string): Promise<boolean> {
  const res = await fetch(`${uiUrl}/api/services`, { signal: AbortSignal.timeout(2_000) });
  await res.arrayBuffer();
  return res.status === 200;
}

/** Builds Jaeger if this machine has no binary yet, then starts it unless it runs. */
export async function ensureJaeger(opts: { log: Log; timeoutMs?: number; ports?: JaegerPorts }): Promise<JaegerInfo> {
  const ports = opts.ports ?? readJaegerPorts();
  const { uiUrl, otlpEndpoint } = jaegerUrls(ports);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const pid = readPid(component);
  if (pid !== undefined && isOurJaeger(pid)) {
    const running = readTextOr(configFile());
    if (!running.includes(`endpoint: ${host}:${ports.ui}`) || !running.includes(`endpoint: ${host}:${ports.otlp}`)) {
      throw new StackError(component, `already running with other ports (see ${shown(configFile())}): run \`npm run down\` first`, logPath(component));
    }
    const failure = await waitUntil(() => jaegerReady(uiUrl), { timeoutMs, abortIf: () => (isOurJaeger(pid) ? undefined : 'exited') });
    if (failure) throw new StackError(component, `pid ${pid} runs but ${uiUrl}/api/services does not answer: ${failure}`, logPath(component));
    return { uiUrl, otlpEndpoint, reused: true, pid, builtNow: false };
  }
  removePid(component);
  const { binary, built } = await ensureJaegerBinary(opts.log);
  const named = { MB_JAEGER_UI_PORT: ports.ui, MB_JAEGER_OTLP_PORT: ports.otlp, MB_JAEGER_QUERY_GRPC_PORT: ports.queryGrpc };
  const note = ephemeralPortsNote(named);
  if (note) opts.log(`jaeger: ${note}`);
  for (const [name, port] of Object.entries(named)) {
    if (await portAnswers(port)) throw new StackError(component, `port ${port} is taken by another program; set ${name}`);
  }
  fs.mkdirSync(componentDir(component), { recursive: true });
  fs.writeFileSync(configFile(), config(ports));
  const started = startDetached(component, binary, [`--config=${configFile()}`], { cwd: componentDir(component), env: process.env });
  const failure = await waitUntil(() => jaegerReady(uiUrl), { timeoutMs, abortIf: started.exited });
  if (failure) throw new StackError(component, `${failure}\n${tailLog(logPath(component), 15)}`, logPath(component));
  return { uiUrl, otlpEndpoint, reused: false, pid: started.pid, builtNow: built };
}

export async function stopJaeger(log: Log): Promise<void> {
  const pid = readPid(component);
  if (pid === undefined) return;
  if (isOurJaeger(pid)) {
    log(`jaeger: SIGTERM pid ${pid}`);
    if ((await terminate(pid, 10_000)) === 'killed') log('jaeger: did not stop within 10s: killed');
  }
  removePid(component);
}

export async function jaegerStatus(): Promise<{ component: string; state: string; pid?: number; address: string; log: string }> {
  const ports = readJaegerPorts();
  const { uiUrl } = jaegerUrls(ports);
  const pid = readPid(component);
  const logFile = shown(logPath(component));
  if (pid === undefined || !isOurJaeger(pid)) {
    const built = fs.existsSync(jaegerBinary()) ? '' : ' (not built yet)';
    return { component, state: `stopped${built}`, address: uiUrl, log: logFile };
  }
  return { component, state: (await portAnswers(ports.ui)) ? 'running' : 'not answering', pid, address: uiUrl, log: logFile };
}
