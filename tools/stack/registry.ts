// Apicurio Registry 3.x, serving the Confluent-compatible API at /apis/ccompat/v7.
//
// Distribution: the `all` tar.gz from Maven Central, unpacked into .cache/stack/apicurio-<version>/
// (tools/stack/maven/apicurio/pom.xml). Storage: the `registry` database of our Postgres, so that
// schema ids survive a restart — with the default in-memory storage every `down`/`up` would hand
// out ids again from 1 while Kafka still holds messages encoded with the old ones.
import fs from 'node:fs';
import path from 'node:path';
import { javaFor } from './java.ts';
import { fetchWithMaven, pomProperty } from './maven.ts';
import { componentDir, distDir, logPath, shown } from './paths.ts';
import { host, portAnswers, waitUntil, waitUntilBindable } from './ports.ts';
import type { PostgresInfo } from './postgres.ts';
import { isOurs, markerArg, readPid, removePid, StackError, startDetached, tailLog, terminate, type Log } from './process.ts';

const component = 'registry';

/**
 * The registry-wide compatibility level. Apicurio's default is NONE (Confluent's is BACKWARD), and
 * a level set per subject protects only subjects that our client registered: a subject first made
 * by anything else (curl, another tool, a new service) would take any change. So the global level
 * is BACKWARD too: APICURIO_RULES_GLOBAL_COMPATIBILITY makes it the default of a fresh registry
 * (the kind manifest sets the same variable), and every start checks the stored level and puts it
 * back if it was changed (the level lives in the registry's database, which outlives restarts).
 */
export const globalCompatibility = 'BACKWARD';

/**
 * Apicurio 3.3.x classes are Java 21 bytecode (class file 65): on OpenJDK 17 it dies at boot with
 * UnsupportedClassVersionError. Checked by running it; javaFor() picks a newer JDK when needed.
 */
const minJava = 21;

export function apicurioVersion(): string {
  return pomProperty('apicurio', 'apicurio.version');
}

function appDir(): string {
  return path.join(distDir, `apicurio-${apicurioVersion()}`);
}

export async function fetchRegistry(log: Log): Promise<void> {
  await fetchWithMaven({ name: 'apicurio', goal: 'unpack', outputDir: appDir(), log });
}

/**
 * The Quarkus launcher. 3.3.x has quarkus-run.jar at the archive root; older 3.x releases put it
 * in quarkus-app/ or shipped a *-runner.jar, so search (shallowest first) instead of hard-coding.
 */
export function findRunnerJar(root: string): string {
  let level = [root];
  for (let depth = 0; depth < 4 && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level.sort()) {
      const entries = fs.readdirSync(dir, { withFileTypes: true });
      const jar = entries.find((e) => e.isFile() && (e.name === 'quarkus-run.jar' || e.name.endsWith('-runner.jar')));
      if (jar) return path.join(dir, jar.name);
      for (const e of entries) if (e.isDirectory() && e.name !== 'lib') next.push(path.join(dir, e.name));
    }
    level = next;
  }
  throw new StackError(component, `no quarkus-run.jar or *-runner.jar under ${shown(root)}; delete that folder to fetch again`);
}

/** How to launch Apicurio (tests start a second, TLS and basic-auth instance of it: @marketbill/testing). */
export function registryLauncher(log: Log): { javaBin: string; jar: string } {
  return { javaBin: javaFor(component, minJava, log).bin, jar: findRunnerJar(appDir()) };
}

export function registryUrl(port: number): string {
  return `http://${host}:${port}/apis/ccompat/v7`;
}

async function registryReady(port: number): Promise<boolean> {
  const res = await fetch(`${registryUrl(port)}/subjects`, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return res.status === 200;
}

export type RegistryOptions = { port: number; managementPort: number; database: PostgresInfo['registry']; timeoutMs: number; log: Log };
export type RegistryInfo = { url: string; reused: boolean; pid: number };

export async function ensureRegistry(o: RegistryOptions): Promise<RegistryInfo> {
  const url = registryUrl(o.port);
  const log = logPath(component);
  const home = componentDir(component);
  const portsFile = path.join(home, 'ports.json');
  const pid = readPid(component);
  if (pid !== undefined && isOurs(pid, component)) {
    const previous = readJson(portsFile);
    if (previous && previous.port !== o.port) {
      throw new StackError(component, `already running on port ${previous.port}, not ${o.port}: run \`stack down\` first`, log);
    }
    const failure = await waitUntil(() => registryReady(o.port), { timeoutMs: o.timeoutMs, abortIf: () => (isOurs(pid, component) ? undefined : 'exited') });
    if (failure) throw new StackError(component, `pid ${pid} runs but ${url}/subjects does not answer 200: ${failure}`, log);
    await ensureGlobalCompatibility(url, o.log);
    return { url, reused: true, pid };
  }
  removePid(component);
  for (const port of [o.port, o.managementPort]) {
    if (await portAnswers(port)) throw new StackError(component, `port ${port} is taken by another program; set MB_REGISTRY_PORT / MB_REGISTRY_MANAGEMENT_PORT`);
  }
  for (const port of [o.port, o.managementPort]) {
    const held = await waitUntilBindable(port);
    if (held) throw new StackError(component, held);
  }

  const jar = findRunnerJar(appDir());
  const java = javaFor(component, minJava, o.log);
  const tmp = path.join(home, 'tmp');
  fs.mkdirSync(tmp, { recursive: true });
  fs.writeFileSync(portsFile, `${JSON.stringify({ port: o.port, managementPort: o.managementPort })}\n`);
  const env = {
    ...process.env,
    APICURIO_STORAGE_KIND: 'sql',
    APICURIO_STORAGE_SQL_KIND: 'postgresql',
    APICURIO_DATASOURCE_URL: o.database.jdbcUrl,
    APICURIO_DATASOURCE_USERNAME: o.database.username,
    APICURIO_DATASOURCE_PASSWORD: o.database.password,
    // The registry is read-mostly and shares a 2-core machine: a small pool is plenty.
    APICURIO_DATASOURCE_JDBC_INITIAL_SIZE: '1',
    APICURIO_DATASOURCE_JDBC_MIN_SIZE: '1',
    APICURIO_DATASOURCE_JDBC_MAX_SIZE: '5',
    APICURIO_RULES_GLOBAL_COMPATIBILITY: globalCompatibility,
  };
  const args = [
    '-Xms128m',
    '-Xmx512m',
    markerArg(component),
    `-Dquarkus.http.host=${host}`,
    `-Dquarkus.http.port=${o.port}`,
    // The management interface (health, metrics) defaults to 0.0.0.0:9000, a port many tools use.
    `-Dquarkus.management.host=${host}`,
    `-Dquarkus.management.port=${o.managementPort}`,
    `-Djava.io.tmpdir=${tmp}`,
    `-Dvertx.cacheDirBase=${tmp}`,
    // Apicurio answers the Confluent API's `GET /subjects` with at most 1,000 subjects by default and
    // cuts the rest silently; the test runs' cleanup lists every subject to find its own.
    '-Dapicurio.ccompat.max-subjects=1000000',
    '-jar',
    jar,
  ];
  const started = startDetached(component, java.bin, args, { cwd: home, env });
  const failure = await waitUntil(() => registryReady(o.port), { timeoutMs: o.timeoutMs, abortIf: started.exited });
  if (failure) throw new StackError(component, `${failure}\n${tailLog(log, 15)}`, log);
  await ensureGlobalCompatibility(url, o.log);
  return { url, reused: false, pid: started.pid };
}

/** Reads the global compatibility level (ccompat `GET /config`) and sets it when it is another. */
async function ensureGlobalCompatibility(url: string, log: Log): Promise<void> {
  const headers = { 'content-type': 'application/vnd.schemaregistry.v1+json' };
  const current = (await (await fetch(`${url}/config`, { signal: AbortSignal.timeout(5_000) })).json()) as { compatibilityLevel?: string };
  if (current.compatibilityLevel === globalCompatibility) return;
  const put = await fetch(`${url}/config`, { method: 'PUT', headers, body: JSON.stringify({ compatibility: globalCompatibility }), signal: AbortSignal.timeout(5_000) });
  if (put.status !== 200) throw new StackError(component, `could not set the global compatibility to ${globalCompatibility}: ${put.status} ${await put.text()}`);
  log(`registry: global compatibility was ${current.compatibilityLevel ?? 'unset'}; set to ${globalCompatibility}`);
}

function readJson(file: string): { port: number } | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as { port: number };
  } catch {
    return undefined;
  }
}

export async function stopRegistry(log: Log): Promise<void> {
  const pid = readPid(component);
  if (pid === undefined) return;
  if (isOurs(pid, component)) {
    log(`registry: SIGTERM pid ${pid}`);
    if ((await terminate(pid, 30_000)) === 'killed') log('registry: did not stop within 30s: killed');
  }
  removePid(component);
}
