import type { EntityManager } from '@mikro-orm/postgresql';
import { table } from '../sql';

/**
 * Whether a session (a refresh-token family) can still act: its account exists and is not
 * disabled, and the family has a token that is neither revoked nor expired. Sign-out, reuse of a
 * spent token, a password change or reset, and disabling the account all revoke families, so this
 * one indexed lookup answers for all of them.
 */
export async function isSessionLive(em: EntityManager, accountId: string, sessionId: string, now: Date): Promise<boolean> {
  const rows = await em.execute<Array<{ live: number }>>(
    `select 1 as live from ${table(em, 'accounts')} a
      where a.id = ? and a.disabled_at is null
        and exists (select 1 from ${table(em, 'refresh_tokens')} t
                     where t.family_id = ? and t.account_id = a.id and t.revoked_at is null and t.expires_at > ?)`,
    [accountId, sessionId, now],
  );
  return rows.length > 0;
}
