// Machine-wide locks: two clones (or a CI run and a developer) must not build the same artifact
// or drive the one kind cluster at the same time. A lock is a directory made atomically with
// mkdir, holding the owner's pid; a lock whose owner is gone is taken over.
import fs from 'node:fs';
import path from 'node:path';
import { isAlive } from '../stack/process.ts';
import { machineCache } from './settings.ts';
import { info } from './shell.ts';

const locksDir = path.join(machineCache, 'locks');

function tryTake(dir: string): boolean {
  try {
    fs.mkdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    let owner = 0;
    try {
      owner = Number(fs.readFileSync(path.join(dir, 'pid'), 'utf8').trim());
    } catch {
      // made a moment ago, its pid not written yet: held, unless it stays that way
      if (Date.now() - fs.statSync(dir).mtimeMs < 10_000) return false;
    }
    if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) return false;
    fs.rmSync(dir, { recursive: true, force: true });
    return tryTake(dir);
  }
  fs.writeFileSync(path.join(dir, 'pid'), `${process.pid}\n`);
  return true;
}

/** Runs fn holding the machine-wide lock `name`, waiting (and saying so) while another holds it. */
export async function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  fs.mkdirSync(locksDir, { recursive: true });
  const dir = path.join(locksDir, name);
  let said = false;
  while (!tryTake(dir)) {
    if (!said) info(`waiting for another run holding ${dir}`);
    said = true;
    await new Promise((r) => setTimeout(r, 2_000));
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
