import { createRequire } from 'node:module';
import path from 'node:path';
import type { Migration as MikroMigration } from '@mikro-orm/migrations';

/**
 * MikroORM's `Migration` base class, without the rest of `@mikro-orm/migrations`.
 *
 * The package's index also loads its `Migrator`, and with it umzug, umzug's command line
 * (@rushstack/ts-command-line, argparse), fs-extra and the migration generators: ≈ 290 modules,
 * 7 MB of RSS in a bare process. A serving process never migrates where a migration Job or init
 * container does it (Kubernetes: `MIGRATE_ON_START=false`), yet every migration class extends
 * this base class, and the list of them is part of the service. So the class comes from its own
 * file, which requires nothing (the package's `exports` map names only its index, hence the path
 * through `package.json`), and the Migrator loads only when `migrate()` asks MikroORM for it
 * (`orm.migrator` requires the package on first use). Both paths end at the same module, so a
 * migration is an instance of the class the Migrator knows. ESLint keeps every other file off
 * the package's index.
 */
const requireHere = createRequire(__filename);
const packageDir = path.dirname(requireHere.resolve('@mikro-orm/migrations/package.json'));
const loaded = requireHere(path.join(packageDir, 'Migration.js')) as { Migration?: typeof MikroMigration };
if (typeof loaded.Migration !== 'function') throw new Error(`@mikro-orm/migrations' Migration.js no longer exports Migration (in ${packageDir})`);

export const Migration: typeof MikroMigration = loaded.Migration;
export type Migration = MikroMigration;
