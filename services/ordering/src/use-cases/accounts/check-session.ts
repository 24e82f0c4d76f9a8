import type { EntityManager } from '@mikro-orm/postgresql';
import { isSessionLive } from '../../data-access/session-repository';

/**
 * Whether the session an access token names can still act (see isSessionLive): the edge asks on
 * every request it has not seen live within its cache time.
 */
export function checkSession(em: EntityManager, accountId: string, sessionId: string, now: Date): Promise<boolean> {
  return isSessionLive(em, accountId, sessionId, now);
}
