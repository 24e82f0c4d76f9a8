import type { MigrationObject } from '@mikro-orm/core';
import { DeliveryLog } from './0001-delivery-log';

/** The notifier schema's migrations, in order (the messaging tables come first, added by the runtime). */
export const migrations: MigrationObject[] = [{ name: '0001-delivery-log', class: DeliveryLog }];
