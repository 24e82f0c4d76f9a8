import { findRefreshToken, revokeSessionFamily } from '../../data-access/session-repository';
import { digest } from '../../domain/credentials';
import type { UseCaseContext } from '../context';

/**
 * Revokes the refresh-token family of the presented token (this device's session). Answers the
 * same whether or not the token was known. Access tokens already issued stay valid until they
 * expire (at most the access-token lifetime): they are verified without a database read.
 */
export async function signOut(ctx: UseCaseContext, input: { refreshToken: string }): Promise<void> {
  await ctx.tx(async (em) => {
    const token = await findRefreshToken(em, digest(input.refreshToken));
    if (token) await revokeSessionFamily(em, token.familyId, ctx.now());
  });
}
