// Ports of the local stack and the small network checks used for readiness.
// Defaults sit in the 55000–59999 range so the stack does not collide with a Postgres, Kafka or
// registry that a developer already runs on the usual ports. Everything binds 127.0.0.1 only.
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
  postgres: ['MB_PG_PORT', 55432],
  kafka: ['MB_KAFKA_PORT', 59092],
  kafkaController: ['MB_KAFKA_CONTROLLER_PORT', 59093],
  // Unset: the Kafka port + 2 (59094 by default), so a port block given as MB_KAFKA_PORT=…092 and
  // MB_KAFKA_CONTROLLER_PORT=…093 gets …094 without a new setting.
  kafkaSasl: ['MB_KAFKA_SASL_PORT', 0],
  registry: ['MB_REGISTRY_PORT', 58081],
  registryManagement: ['MB_REGISTRY_MANAGEMENT_PORT', 58082],
  s3: ['MB_S3_PORT', 58333],
};

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
