// Throw-away TLS material of the local stack: a private CA, a server certificate for 127.0.0.1
// signed by it, and a second CA that signed nothing (tests prove that a client trusting the wrong
// CA is refused). Postgres serves TLS with it (besides plain text) and Kafka's extra SASL_SSL
// listener uses it, so TLS settings of our clients are tested against real servers.
//
// Made once with the `openssl` command (installed with apt when missing and root; Debian's
// postgresql package pulls it in anyway, through ssl-cert) and kept in .stack/tls/. The server certificate names only IP 127.0.0.1, never `localhost`: a
// client that connects to `localhost` with full verification must fail the host-name check.
import fs from 'node:fs';
import path from 'node:path';
import { ensureDebianPackages } from './debian.ts';
import { stackDir } from './paths.ts';
import { run, StackError, which, type Log } from './process.ts';

export const tlsDir = path.join(stackDir, 'tls');

export type TlsFiles = {
  /** The CA that signed the server certificate (clients trust this). */
  caFile: string;
  /** A CA that signed nothing we serve (clients trusting it must be refused). */
  otherCaFile: string;
  serverCertFile: string;
  /** PKCS#8 PEM, unencrypted: local test material only. */
  serverKeyFile: string;
};

export function tlsFiles(): TlsFiles {
  return {
    caFile: path.join(tlsDir, 'ca.pem'),
    otherCaFile: path.join(tlsDir, 'other-ca.pem'),
    serverCertFile: path.join(tlsDir, 'server.pem'),
    serverKeyFile: path.join(tlsDir, 'server.key'),
  };
}

async function openssl(args: string[]): Promise<void> {
  const result = await run(which('openssl') ?? 'openssl', args, { cwd: tlsDir });
  if (result.code !== 0) throw new StackError('tls', `openssl ${args[0]} failed (exit ${result.code}): ${`${result.stdout}${result.stderr}`.trim().split('\n').slice(-3).join(' ')}`);
}

/** Creates the CA and server certificate when they are missing; returns their paths. */
export async function ensureTls(log: Log): Promise<TlsFiles> {
  const files = tlsFiles();
  if (Object.values(files).every((f) => fs.existsSync(f))) return files;
  await ensureDebianPackages('tls', [{ name: 'openssl', provides: 'openssl' }], log);
  fs.rmSync(tlsDir, { recursive: true, force: true });
  fs.mkdirSync(tlsDir, { recursive: true, mode: 0o700 });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  for (const [name, cn] of [
    ['ca', 'MarketBill local stack CA'],
    ['other-ca', 'MarketBill unrelated CA'],
  ] as const) {
    await openssl(['req', '-x509', ...ec, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '3650', '-subj', `/CN=${cn}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  }
  await openssl(['req', '-new', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  fs.writeFileSync(
    path.join(tlsDir, 'server.ext'),
    'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n',
  );
  await openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '825', '-extfile', 'server.ext']);
  for (const leftover of ['server.csr', 'server.ext', 'ca.srl', 'other-ca.key']) fs.rmSync(path.join(tlsDir, leftover), { force: true });
  for (const key of ['ca.key', 'server.key']) fs.chmodSync(path.join(tlsDir, key), 0o600);
  return files;
}
