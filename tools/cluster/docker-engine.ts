// The Docker engine kind runs on.
//
// A developer laptop has one running: we use it (DOCKER_HOST or the default socket) and never stop
// it. Our machines have none: Debian's docker.io is installed (by .ci/run, or here when we are
// root) and the harness starts its own dockerd on a private socket, with its data in the machine
// cache (so built images survive `down` and serve the next run) and its pid in a pid file; `down`
// stops exactly that process. The private socket keeps it away from tools that look for the
// default one: `npm test` would otherwise see an engine and switch the test stack to testcontainers,
// whose images cannot be pulled here.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { isAlive, terminate } from '../stack/process.ts';
import { binDir, dockerd } from './settings.ts';
import { capture, ClusterError, info, waitFor } from './shell.ts';

export type Engine = { env: NodeJS.ProcessEnv; host: string; ours: boolean };

function answers(env: NodeJS.ProcessEnv): boolean {
  const r = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { env, encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 && r.stdout.trim().length > 0;
}

const ourHost = `unix://${dockerd.socket}`;

/** Debian packages the harness needs, installed with apt when missing (as root). */
export function ensureDebianPackages(packages: Record<string, string>): void {
  const missing = Object.entries(packages)
    .filter(([, command]) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status !== 0)
    .map(([pkg]) => pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new ClusterError(`missing Debian packages ${missing.join(', ')}: apt-get install -y ${missing.join(' ')} (as root)`);
  info(`installing ${missing.join(', ')} with apt`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  capture('apt-get', ['update', '-qq'], { env });
  capture('apt-get', ['install', '-y', '-qq', ...missing], { env });
}

/** Capability numbers the kernel knows (cap_last_cap) that our bounding set does not hold. */
export function missingCapabilities(): number[] {
  const last = Number(fs.readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8').trim());
  const bounding = BigInt(`0x${/^CapBnd:\s*([0-9a-f]+)/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0'}`);
  const missing: number[] = [];
  for (let bit = 0; bit <= last; bit++) if (((bounding >> BigInt(bit)) & 1n) === 0n) missing.push(bit);
  return missing;
}

function ourPid(): number | undefined {
  try {
    const pid = Number(fs.readFileSync(dockerd.pidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || !isAlive(pid)) return undefined;
    // Only the dockerd we started (its private socket on the command line), never another process
    // that happens to have reused the pid.
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(`--host=${ourHost}`) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** An engine that answers: the developer's own, or ours (started when needed). */
export async function ensureEngine(): Promise<Engine> {
  const ours = { ...process.env, DOCKER_HOST: ourHost };
  if (ourPid() !== undefined) {
    await waitFor('our dockerd to answer', () => (answers(ours) ? true : undefined), 60_000);
    return { env: ours, host: ourHost, ours: true };
  }
  if (fs.existsSync(dockerd.socket) && answers(ours)) throw new ClusterError(`a Docker engine answers on ${dockerd.socket} but its pid file ${dockerd.pidFile} does not name it: stop it first`);
  if (answers(process.env)) return { env: process.env, host: process.env.DOCKER_HOST ?? 'the default socket', ours: false };

  ensureDebianPackages({ 'docker.io': 'dockerd', iptables: 'iptables', jq: 'jq' });
  fs.mkdirSync(dockerd.runDir, { recursive: true });
  fs.mkdirSync(dockerd.dataRoot, { recursive: true });
  // The log lives in the machine cache's logs/, which nothing has made yet on a brand-new machine
  // (dockerd is the first thing the cluster build starts).
  fs.mkdirSync(path.dirname(dockerd.log), { recursive: true });
  const args = [
    `--host=${ourHost}`,
    `--pidfile=${dockerd.pidFile}`,
    `--data-root=${dockerd.dataRoot}`,
    `--exec-root=${dockerd.runDir}/exec`,
    // overlay2 on the machine's ext4; cgroup v1 with the cgroupfs driver (no systemd here).
    '--storage-driver=overlay2',
  ];
  const missing = missingCapabilities();
  if (missing.length > 0) {
    // See engine/runc-bounded: privileged containers (kind's nodes) would ask runc for these.
    const wrapper = path.join(binDir, 'runc-bounded');
    fs.mkdirSync(binDir, { recursive: true });
    fs.copyFileSync(path.join(import.meta.dirname, 'engine', 'runc-bounded'), wrapper);
    fs.chmodSync(wrapper, 0o755);
    args.push(`--add-runtime=runc-bounded=${wrapper}`, '--default-runtime=runc-bounded');
    info(`this machine's processes lack capabilities ${missing.join(', ')} (24 is CAP_SYS_RESOURCE): containers run through ${wrapper}`);
  }
  const log = fs.openSync(dockerd.log, 'a');
  const child = spawn('dockerd', args, { detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  child.unref();
  info(`started dockerd (pid ${child.pid}, socket ${dockerd.socket}, data ${dockerd.dataRoot}, log ${dockerd.log})`);
  const env = { ...process.env, DOCKER_HOST: ourHost };
  await waitFor('dockerd to answer', () => (answers(env) ? true : undefined), 120_000, 500);
  return { env, host: ourHost, ours: true };
}

/** The engine's environment without starting one (for `down` and `status`). */
export function currentEngine(): Engine | undefined {
  if (ourPid() !== undefined) return { env: { ...process.env, DOCKER_HOST: ourHost }, host: ourHost, ours: true };
  if (answers(process.env)) return { env: process.env, host: process.env.DOCKER_HOST ?? 'the default socket', ours: false };
  return undefined;
}

/** Stops the dockerd this harness started (by its pid), if it runs. */
export async function stopOurEngine(): Promise<number | undefined> {
  const pid = ourPid();
  if (pid === undefined) return undefined;
  // dockerd stops its containers' shims and its containerd child on SIGTERM; give it time.
  await terminate(pid, 60_000);
  return pid;
}

export function ourEnginePid(): number | undefined {
  return ourPid();
}
