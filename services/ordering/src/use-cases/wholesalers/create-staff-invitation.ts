import { randomUUID } from 'node:crypto';
import { addStaffInvitation } from '../../data-access/wholesaler-repository';
import { owningWholesaler, type Actor } from '../../domain/actor';
import { digest, generateInvitationCode } from '../../domain/credentials';
import type { UseCaseContext } from '../context';

/**
 * Creates a one-time code a staff member gives at sign-up to join this wholesaler (owner only).
 * The code is shown once; only its digest is stored.
 */
export async function createStaffInvitation(ctx: UseCaseContext, actor: Actor): Promise<{ id: string; code: string; expiresAt: Date }> {
  const wholesalerId = owningWholesaler(actor);
  const code = generateInvitationCode();
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + ctx.settings.auth.invitationTtlHours * 3_600_000);
  const id = randomUUID();
  return ctx.tx(async (em) => {
    addStaffInvitation(em, { id, wholesalerId, codeHash: digest(code), expiresAt, usedBy: null, usedAt: null, createdAt: now });
    return { id, code, expiresAt };
  });
}
