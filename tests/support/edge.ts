import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths';

/** An answer of the REST edge (or of an internal API). */
export interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON answers checked field by field
  headers: Headers;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Gives up after this long (default 30 s): a request held by a frozen dependency must not hang a test. */
  timeoutMs?: number;
}

/** One HTTP call; a network failure or time-out answers status 0 with the error's message as the body. */
export async function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  try {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.headers ?? {}),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body, headers: response.headers };
  } catch (error) {
    return { status: 0, body: { code: 'network-error', detail: error instanceof Error ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}` : String(error) }, headers: new Headers() };
  }
}

/** Throws unless the answer has the expected status. */
export async function ok(answer: Promise<Answer> | Answer, status = 200): Promise<Answer> {
  const a = await answer;
  if (a.status !== status) throw new Error(`expected ${status}, got ${a.status}: ${JSON.stringify(a.body)}`);
  return a;
}

/**
 * The demo accounts `npm run up` seeds (an admin, a retailer with a CONFIRMED connection to a
 * wholesaler owner who has a business profile, a staff member), made by ordering's own seed
 * script through its use cases, so every event a real sign-up publishes is published.
 */
export function seedDemo(orderingEnv: Record<string, string>): { password: string; phones: Record<'admin' | 'retailer' | 'owner' | 'staff', string> } {
  const result = spawnSync(process.execPath, ['--disable-warning=TimeoutNegativeWarning', join(repoRoot, 'services', 'ordering', 'dist', 'seed-demo.js')], {
    env: { PATH: process.env.PATH ?? '', ...orderingEnv },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`seed-demo failed: ${result.stderr}`);
  const password = /password\s+(\S+)/.exec(result.stdout)?.[1] as string;
  const phones = Object.fromEntries([...result.stdout.matchAll(/^\s+(admin|retailer|owner|staff)\s+(\d{11})/gm)].map((m) => [m[1], m[2]]));
  return { password, phones: phones as Record<'admin' | 'retailer' | 'owner' | 'staff', string> };
}

/** Signs in through the edge; answers the access token and the account (from GET /v1/me). */
export async function signIn(edge: string, phone: string, password: string): Promise<{ token: string; accountId: string; wholesalerId: string | null }> {
  const tokens = await ok(call(edge, 'POST', '/v1/auth/sign-in', { body: { phone, password } }));
  const token = tokens.body.accessToken as string;
  const me = await ok(call(edge, 'GET', '/v1/me', { token }));
  return { token, accountId: me.body.id, wholesalerId: me.body.wholesalerId ?? null };
}
