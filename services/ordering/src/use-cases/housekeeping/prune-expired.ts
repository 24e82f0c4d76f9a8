import { table } from '../../data-access/sql';
import type { UseCaseContext } from '../context';

/**
 * Deletes what has stopped mattering: idempotency keys after a day (clients retry within minutes),
 * rate-limit windows that ended, sign-in addresses neither failed nor used within their memory, verifications a day after they expired, refresh tokens a week
 * after they expired or were revoked, invitations a week after they expired. Answers the counts.
 */
export async function pruneExpired(ctx: UseCaseContext): Promise<Record<string, number>> {
  const now = ctx.now();
  const day = 86_400_000;
  const run = async (name: string, sql: string, params: unknown[]) => {
    const rows = await ctx.em.execute<Array<{ n: number }>>(`with gone as (${sql} returning 1) select count(*)::int as n from gone`, params);
    return [name, Number(rows[0]?.n ?? 0)] as const;
  };
  return Object.fromEntries([
    await run('idempotencyKeys', `delete from ${table(ctx.em, 'idempotency_keys')} where created_at < ?`, [new Date(now.getTime() - day)]),
    await run('rateLimits', `delete from ${table(ctx.em, 'rate_limits')} where window_started_at < ?`, [new Date(now.getTime() - day)]),
    await run('signInAddresses', `delete from ${table(ctx.em, 'sign_in_addresses')} where greatest(last_failure_at, last_success_at) < ?`, [
      new Date(now.getTime() - Math.max(ctx.settings.rateLimits.signInFailureMemorySeconds, ctx.settings.rateLimits.knownAddressDays * 86_400) * 1000),
    ]),
    await run('verifications', `delete from ${table(ctx.em, 'verifications')} where expires_at < ?`, [new Date(now.getTime() - day)]),
    await run('refreshTokens', `delete from ${table(ctx.em, 'refresh_tokens')} where coalesce(revoked_at, expires_at) < ?`, [new Date(now.getTime() - 7 * day)]),
    await run('invitations', `delete from ${table(ctx.em, 'staff_invitations')} where expires_at < ?`, [new Date(now.getTime() - 7 * day)]),
  ]);
}
