import type { MigrationObject } from '@mikro-orm/core';

/** The billing schema's migrations, in order (the messaging tables come first, added by the runtime). */
export const migrations: MigrationObject[] = [];
