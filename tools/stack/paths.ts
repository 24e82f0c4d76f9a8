// Where the local stack keeps things. Two roots, both git-ignored:
//   .cache/  downloads (Maven repo, Kafka jars, Apicurio, S3Proxy): kept so a warm `up` needs no network
//   .stack/  state of this checkout's stack: data, logs, pids, generated configs, credentials
// Everything is derived from this file's location, so the CLI works from any working directory.
import fs from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');

export const cacheDir = path.join(repoRoot, '.cache');
/** Maven's local repository, private to the project (passed as -Dmaven.repo.local). */
export const mavenRepoDir = path.join(cacheDir, 'm2');
/** Unpacked distributions, one folder per component and version. */
export const distDir = path.join(cacheDir, 'stack');

export const stackDir = path.join(repoRoot, '.stack');
export const logsDir = path.join(stackDir, 'logs');
export const pidsDir = path.join(stackDir, 'pids');
export const envFile = path.join(stackDir, 'env');
export const envJsonFile = path.join(stackDir, 'env.json');
/** TLS/SASL endpoints and credentials for the client security tests (see SecureStack). */
export const secureJsonFile = path.join(stackDir, 'secure.json');
export const lockFile = path.join(stackDir, 'lock');

export const mavenPomDir = path.join(import.meta.dirname, 'maven');

export function logPath(component: string): string {
  return path.join(logsDir, `${component}.log`);
}

export function pidPath(component: string): string {
  return path.join(pidsDir, `${component}.pid`);
}

export function componentDir(component: string): string {
  return path.join(stackDir, component);
}

/** A path relative to the repository, for messages (absolute paths are long and checkout-specific). */
export function shown(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel.startsWith('..') ? p : rel;
}

/** A generated file's text, or '' when it does not exist (yet). */
export function readTextOr(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
