import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root, found from this file whether it runs from source (Jest) or from tests/dist (the campaign). */
export const repoRoot = (() => {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'services')) && existsSync(join(dir, 'tools', 'stack.ts'))) return dir;
    if (dirname(dir) === dir) throw new Error('repository root not found');
  }
})();
