// Ports of the local stack and the small network checks used for readiness.
// Defaults sit in one block, 26xxx, so the stack does not collide with a Postgres, Kafka or
// registry that a developer already runs on the usual ports, and below the kernel's ephemeral
// range (32768–60999 on Linux), so no outgoing connection on the machine can be handed one of them
// as its source port while the server is down or starting (docs/local-stack.md, "Ports held by …").
// Everything binds 127.0.0.1 only.
import fs from 'node:fs';
import net from 'node:net';

export const host = '127.0.0.1';

export type Ports = {
  postgres: number;
  kafka: number;
  kafkaController: number;
  /** Kafka's extra SASL_SSL listener (TLS + SCRAM/PLAIN), for the client security tests. */
  kafkaSasl: number;
  registry: number;
  registryManagement: number;
  s3: number;
};

const defaults: Record<keyof Ports, [envName: string, port: number]> = {
  postgres: ['MB_PG_PORT', 26432],
  kafka: ['MB_KAFKA_PORT', 26092],
  kafkaController: ['MB_KAFKA_CONTROLLER_PORT', 26093],
  // Unset: the Kafka port + 2 (26094 by default), so a port block given as MB_KAFKA_PORT=…092 and
  // MB_KAFKA_CONTROLLER_PORT=…093 gets …094 without a new setting.
  kafkaSasl: ['MB_KAFKA_SASL_PORT', 0],
  registry: ['MB_REGISTRY_PORT', 26081],
  registryManagement: ['MB_REGISTRY_MANAGEMENT_PORT', 26082],
  s3: ['MB_S3_PORT', 26333],
};

/** The ports by the variables that set them, for {@link ephemeralPortsNote}. */
export function portsByVariable(ports: Ports): Record<string, number> {
  return Object.fromEntries((Object.keys(ports) as (keyof Ports)[]).map((key) => [defaults[key][0], ports[key]]));
}

/** The kernel's ephemeral port range (Linux; its default elsewhere), less the reserved ports. */
export function ephemeralRange(procDir = '/proc/sys/net/ipv4'): { low: number; high: number; reserved: (port: number) => boolean } {
  const read = (name: string) => {
    try {
      return fs.readFileSync(`${procDir}/${name}`, 'utf8').trim();
    } catch {
      return '';
    }
  };
  const [low, high] = read('ip_local_port_range').split(/\s+/).map(Number);
  const spans = read('ip_local_reserved_ports')
    .split(',')
    .filter((part) => part !== '')
    .map((part) => part.split('-').map(Number));
  const reserved = (port: number) => spans.some(([from, to]) => port >= from && port <= (to ?? from));
  return Number.isInteger(low) && Number.isInteger(high) ? { low, high, reserved } : { low: 32768, high: 60999, reserved };
}

/**
 * A note for ports set inside the kernel's ephemeral range and not reserved, else undefined: any
 * outgoing connection on the machine may be given such a port as its source port, and a server
 * cannot bind it while that connection lives (docs/local-stack.md).
 */
export function ephemeralPortsNote(named: Record<string, number>, range = ephemeralRange()): string | undefined {
  const inside = Object.entries(named).filter(([, port]) => port >= range.low && port <= range.high && !range.reserved(port));
  if (inside.length === 0) return undefined;
  const list = inside.map(([name, port]) => `${name}=${port}`).join(', ');
  return `note: ${list} lie${inside.length === 1 ? 's' : ''} in the kernel's ephemeral port range (${range.low}–${range.high}): an outgoing connection of any program can hold such a port and keep a server from binding it. Ports below ${range.low} (the defaults) or reserved with sysctl net.ipv4.ip_local_reserved_ports avoid that.`;
}

export function readPorts(env: NodeJS.ProcessEnv = process.env): Ports {
  const ports = {} as Ports;
  for (const [key, [envName, fallback]] of Object.entries(defaults) as [keyof Ports, [string, number]][]) {
    const raw = env[envName];
    const fallbackPort = key === 'kafkaSasl' ? ports.kafka + 2 : fallback;
    const port = raw === undefined || raw === '' ? fallbackPort : Number(raw);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`${envName}=${raw} is not a TCP port number`);
    }
    ports[key] = port;
  }
  const seen = new Map<number, string>();
  for (const [key, port] of Object.entries(ports)) {
    const other = seen.get(port);
    if (other) throw new Error(`ports of ${other} and ${key} are both ${port}; give them distinct MB_*_PORT values`);
    seen.set(port, key);
  }
  return ports;
}

/** True when something accepts TCP connections on host:port within timeoutMs. */
export function portAnswers(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export type WaitOptions = {
  timeoutMs: number;
  intervalMs?: number;
  /** Checked between attempts: a reason string stops the wait at once (e.g. the process died). */
  abortIf?: () => string | undefined;
};

/**
 * Polls `check` until it returns true. Returns undefined on success, or the reason it gave up:
 * the timeout, or what `abortIf` said. Errors thrown by `check` count as "not yet".
 */
export async function waitUntil(check: () => Promise<boolean>, opts: WaitOptions): Promise<string | undefined> {
  const deadline = Date.now() + opts.timeoutMs;
  const interval = opts.intervalMs ?? 250;
  for (;;) {
    const aborted = opts.abortIf?.();
    if (aborted) return aborted;
    try {
      if (await check()) return undefined;
    } catch {
      // not ready yet: readiness probes fail in many ways while a server boots
    }
    if (Date.now() >= deadline) return `not ready within ${Math.round(opts.timeoutMs / 1000)}s`;
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Whether a server could bind host:port now (false while any socket holds that local port). */
export function portBindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Waits until a server can bind `port`. On one machine, a client that keeps reconnecting to a
 * stopped local server can be handed that very port as its own source port (our ports lie in the
 * kernel's ephemeral range, 32768–60999) and connect to itself — a TCP "self-connect": the socket
 * then holds the port until that client gives up on the connection, and the server cannot bind
 * ("Address already in use"). Seen in the fault suite with pg clients and Postgres stopped for two
 * minutes. Answers undefined once bindable, else what holds the port.
 */
export async function waitUntilBindable(port: number, timeoutMs = 60_000): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (!(await portBindable(port))) {
    if (Date.now() >= deadline) return `port ${port} stayed in use by a socket that does not listen (see: ss -tanp 'sport = :${port}')`;
    await new Promise((r) => setTimeout(r, 250));
  }
  return undefined;
}

/**
 * Which listener a Kafka broker could not bind, from its log ("Socket server failed to bind to
 * 127.0.0.1:26094: Address already in use."), else undefined. That line sits above a stack trace
 * longer than the tail an error message shows.
 */
export function bindFailureIn(logText: string): string | undefined {
  const found = /Socket server failed to bind to (\S+?): ([^\n]*?)\.?$/m.exec(logText);
  return found ? `could not bind ${found[1]} (${found[2]})` : undefined;
}
