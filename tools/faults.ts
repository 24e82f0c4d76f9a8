// `npm run faults [-- --rate N --only kafka,postgres]`: the long fault campaign (tests/faults/README.md).
// Builds everything first (the campaign runs the built services and its own build), then runs it.
import { spawnSync } from 'node:child_process';
import { repoRoot } from './stack/paths.ts';

const node = process.execPath;
const flags = ['--disable-warning=TimeoutNegativeWarning'];
const build = spawnSync(node, ['node_modules/typescript/bin/tsc', '-b'], { cwd: repoRoot, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const run = spawnSync(node, [...flags, 'tests/dist/faults/campaign.js', ...process.argv.slice(2)], { cwd: repoRoot, stdio: 'inherit' });
process.exit(run.status ?? 1);
