import http from 'node:http';
import https from 'node:https';
import type { RegistryConnection } from '@marketbill/platform';

/** The registry's address as our two HTTP clients (ours and the kafkajs registry client) need it. */
export interface RegistryHttp {
  /** Base URL without credentials or trailing slash (safe to log). */
  base: string;
  /** Sends one request; rejects only when no HTTP answer came (network, TLS, time-out). */
  request(method: string, path: string, body: unknown, timeoutMs: number): Promise<{ status: number; text: string }>;
  /**
   * Closes the kept-alive connections, so the next request opens a new one. For an answer that says
   * the connection itself may be wrong: a keep-alive connection stays with whatever answered it
   * first (in a cluster, possibly not the registry — see fenceServiceNetwork in tools/cluster/kind.ts).
   */
  dropConnections(): void;
  /** Host, basic auth and TLS agent for `new SchemaRegistry(…)` of @kafkajs/confluent-schema-registry. */
  client: { host: string; auth?: { username: string; password: string }; agent?: http.Agent };
}

/**
 * Basic auth and TLS for the registry. Credentials come from the connection or from the URL's
 * user-info (`https://user:pass@host/…`, the form many managed registries hand out); either way the
 * URL used for requests and messages has none.
 *
 * Requests go through `node:https` rather than `fetch`: fetch takes no CA per call (only the
 * process-wide NODE_EXTRA_CA_CERTS) and refuses URLs with credentials.
 */
export function createRegistryHttp(connection: string | RegistryConnection): RegistryHttp {
  const c = typeof connection === 'string' ? { url: connection } : connection;
  const url = new URL(c.url);
  const username = c.username ?? (decodeURIComponent(url.username) || undefined);
  const password = c.password ?? (decodeURIComponent(url.password) || undefined);
  url.username = '';
  url.password = '';
  const base = url.href.replace(/\/+$/, '');
  const secure = url.protocol === 'https:';
  // keepAlive: encode/decode and registration reuse one connection instead of a TLS handshake each.
  const agent = secure ? new https.Agent({ keepAlive: true, ...(c.ca ? { ca: c.ca } : {}) }) : new http.Agent({ keepAlive: true });
  const auth = username !== undefined && password !== undefined ? { username, password } : undefined;
  const authorization = auth ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` : undefined;

  function request(method: string, path: string, body: unknown, timeoutMs: number): Promise<{ status: number; text: string }> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = (secure ? https : http).request(
        `${base}${path}`,
        {
          method,
          agent,
          headers: {
            accept: 'application/json',
            ...(payload === undefined ? {} : { 'content-type': 'application/vnd.schemaregistry.v1+json', 'content-length': Buffer.byteLength(payload) }),
            ...(authorization ? { authorization } : {}),
          },
          signal: AbortSignal.timeout(timeoutMs),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  return { base, request, dropConnections: () => agent.destroy(), client: { host: base, ...(auth ? { auth } : {}), agent } };
}
