import type { EntityManager } from '@mikro-orm/postgresql';
import { hasConfirmedConnection } from '../../data-access/connection-repository';
import { ConnectionError } from '../../domain/ordering-errors';

/** Only a CONFIRMED connection may fill a cart and order (enforced here, not by the frontend). */
export async function assertConfirmedConnection(em: EntityManager, retailerId: string, wholesalerId: string): Promise<void> {
  if (!(await hasConfirmedConnection(em, retailerId, wholesalerId))) throw ConnectionError.notConfirmed();
}
