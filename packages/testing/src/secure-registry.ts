import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecureStack } from './secure-stack';

export interface SecureRegistry {
  /** `https://127.0.0.1:<port>/apis/ccompat/v7`; its certificate is signed by the stack's CA. */
  url: string;
  /** The registry's output, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts a second Apicurio Registry (the stack's own build, in-memory storage) that serves HTTPS
 * only, with the stack's certificate, and requires HTTP basic auth from the given users — which
 * Apicurio 3.3 does without an identity provider: `quarkus.http.auth.basic=true` plus Quarkus's
 * embedded users (docs/messaging.md, "Registry credentials"). Both ports are chosen by the system;
 * the HTTPS one is read from the start-up line. Takes about as long as the stack's registry (30–40 s
 * on two busy cores).
 */
export async function startSecureRegistry(stack: SecureStack, users: Record<string, { password: string; role: 'sr-admin' | 'sr-developer' | 'sr-readonly' }>, timeoutMs = 150_000): Promise<SecureRegistry> {
  const tmp = mkdtempSync(join(tmpdir(), 'mb-secure-registry-'));
  const serverDir = join(stack.caFile, '..');
  const args = [
    '-Xms64m',
    '-Xmx256m',
    '-Dmarketbill.test=secure-registry',
    '-Dquarkus.http.host=127.0.0.1',
    '-Dquarkus.http.port=0',
    '-Dquarkus.http.ssl-port=0',
    '-Dquarkus.http.insecure-requests=disabled',
    `-Dquarkus.http.ssl.certificate.files=${join(serverDir, 'server.pem')}`,
    `-Dquarkus.http.ssl.certificate.key-files=${join(serverDir, 'server.key')}`,
    '-Dquarkus.management.host=127.0.0.1',
    '-Dquarkus.management.port=0',
    '-Dquarkus.oidc.tenant-enabled=false',
    '-Dquarkus.http.auth.basic=true',
    // Roles from the embedded users: sr-readonly may read, sr-developer may also register, sr-admin all.
    '-Dapicurio.auth.role-based-authorization=true',
    '-Dquarkus.security.users.embedded.enabled=true',
    '-Dquarkus.security.users.embedded.plain-text=true',
    ...Object.entries(users).flatMap(([name, u]) => [`-Dquarkus.security.users.embedded.users.${name}=${u.password}`, `-Dquarkus.security.users.embedded.roles.${name}=${u.role}`]),
    `-Djava.io.tmpdir=${tmp}`,
    `-Dvertx.cacheDirBase=${tmp}`,
    '-jar',
    stack.registry.jar,
  ];
  // The environment's APICURIO_* settings (the stack's Postgres storage) must not leak in.
  const child = spawn(stack.registry.javaBin, args, { cwd: tmp, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const stop = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        rmSync(tmp, { recursive: true, force: true });
        resolve();
      };
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', done);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
    });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the secure registry did not start within ${timeoutMs} ms:\n${output.slice(-2000)}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /Listening on: https:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the secure registry exited (${code}) during start-up:\n${output.slice(-2000)}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { url: `https://127.0.0.1:${port}/apis/ccompat/v7`, output: () => output, stop };
}
