#!/usr/bin/env node
/**
 * mb-check-schemas — refuses a schema change the registry would refuse.
 *
 * For every `schemas/<owner>/<topic>.avsc`, finds its previous committed version (the newest
 * version in git history that differs from the file as it is now: for a committed change that is
 * the version before it; for an uncommitted edit, HEAD's), registers that version under a
 * throw-away subject with BACKWARD compatibility on the real registry, and asks the registry
 * whether the current file is compatible. Exits 1 naming every refused topic.
 *
 *   node packages/messaging/dist/cli/check-schemas.js [--root <repo>]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRegistryClient } from '../registry';
import { checkCompatibility } from '../schema-compatibility';
import { readCliEnv } from './config';

function git(root: string, args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

function compact(text: string): string {
  return JSON.stringify(JSON.parse(text));
}

/** The newest committed text of `path` that differs from `current`, or undefined. */
export function previousVersion(root: string, path: string, current: string): string | undefined {
  let commits: string[];
  try {
    commits = git(root, ['log', '--format=%H', '-n', '50', '--', path]).split('\n').filter(Boolean);
  } catch {
    return undefined; // not a git checkout: nothing to compare with
  }
  for (const commit of commits) {
    let text: string;
    try {
      text = git(root, ['show', `${commit}:${path}`]);
    } catch {
      continue; // deleted in that commit
    }
    if (compact(text) !== compact(current)) return text;
  }
  return undefined;
}

async function main(): Promise<void> {
  const rootIndex = process.argv.indexOf('--root');
  const root = rootIndex > 0 ? (process.argv[rootIndex + 1] as string) : process.cwd();
  const env = readCliEnv(existsSync(join(root, '.stack/env.json')) ? readFileSync(join(root, '.stack/env.json'), 'utf8') : undefined);
  const registry = createRegistryClient(env.schemaRegistry);
  const schemasDir = join(root, 'schemas');
  let refused = 0;
  let checked = 0;
  for (const owner of readdirSync(schemasDir, { withFileTypes: true })) {
    if (!owner.isDirectory()) continue;
    for (const file of readdirSync(join(schemasDir, owner.name))) {
      if (!file.endsWith('.avsc')) continue;
      const path = `schemas/${owner.name}/${file}`;
      const current = readFileSync(join(root, path), 'utf8');
      const previous = previousVersion(root, path, current);
      if (!previous) continue;
      checked++;
      const result = await checkCompatibility(registry, file.replace(/\.avsc$/, ''), previous, current);
      if (result.compatible) {
        console.log(`ok       ${path}: compatible with its previous committed version`);
      } else {
        refused++;
        console.error(`REFUSED  ${path}: ${result.messages.join('; ') || 'not BACKWARD compatible'}`);
      }
    }
  }
  console.log(`${checked} changed schema(s) checked against the registry, ${refused} refused`);
  process.exit(refused > 0 ? 1 : 0);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  });
}
