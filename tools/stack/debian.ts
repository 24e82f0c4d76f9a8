// Debian packages the project needs on a machine (PostgreSQL for the stack, poppler-utils for the
// PDF tests, ...). Installed with apt-get when missing and we are root; otherwise the caller gets a
// clear message naming the command to run. One place, so `npm test` on a fresh machine installs
// what the tests need exactly as `.ci/run` would, and a second run finds everything and does nothing.
import fs from 'node:fs';
import { run, StackError, which, type Log } from './process.ts';

/** A Debian package and how to tell it is installed (an executable on PATH or an absolute file). */
export type DebianPackage = { name: string; provides: string };

function present(pkg: DebianPackage): boolean {
  return pkg.provides.startsWith('/') ? fs.existsSync(pkg.provides) : which(pkg.provides) !== undefined;
}

/**
 * Installs the packages that are missing (one `apt-get update`, one `apt-get install`). Throws a
 * StackError naming `component` when they cannot be installed (not root, or apt failed).
 */
export async function ensureDebianPackages(component: string, packages: DebianPackage[], log: Log): Promise<void> {
  const missing = packages.filter((p) => !present(p)).map((p) => p.name);
  if (missing.length === 0) return;
  const command = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) throw new StackError(component, `missing Debian packages: run \`sudo ${command}\``);
  log(`${component}: installing ${missing.join(', ')} with apt-get (once)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...missing]]) {
    const result = await run('apt-get', args, { env });
    if (result.code !== 0) {
      const tail = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-10).join('\n');
      throw new StackError(component, `apt-get ${args.join(' ')} failed (exit ${result.code}):\n${tail}`);
    }
  }
  const still = packages.filter((p) => !present(p)).map((p) => `${p.name} (${p.provides})`);
  if (still.length > 0) throw new StackError(component, `apt-get installed but these are still missing: ${still.join(', ')}`);
}
