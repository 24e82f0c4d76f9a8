import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { StaffInvitationSchema, WholesalerSchema, type StaffInvitation, type Wholesaler } from './entities';
import { deleteCounting, table } from './sql';

export function findWholesaler(em: EntityManager, id: string): Promise<Wholesaler | null> {
  return em.findOne(WholesalerSchema, { id });
}

/** The wholesaler; throws when it is gone (callers hold the id of an owner that exists). */
export function getWholesaler(em: EntityManager, id: string): Promise<Wholesaler> {
  return em.findOneOrFail(WholesalerSchema, { id });
}

/** The wholesaler, row-locked until the transaction ends (profile versions grow one at a time). */
export function lockWholesaler(em: EntityManager, id: string): Promise<Wholesaler> {
  return em.findOneOrFail(WholesalerSchema, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
}

/** Every wholesaler's id and cutoff time (the cutoff job's round). */
export async function listCutoffTimes(em: EntityManager): Promise<Array<{ id: string; cutoffTime: string }>> {
  const rows = await em.find(WholesalerSchema, {}, { fields: ['id', 'cutoffTime'] });
  return rows.map((w) => ({ id: w.id, cutoffTime: w.cutoffTime }));
}

/** Stores a staff invitation (the code's digest), persisted when the caller's transaction flushes. */
export function addStaffInvitation(em: EntityManager, invitation: StaffInvitation): void {
  em.persist(em.create(StaffInvitationSchema, invitation));
}

/** The invitation with this code digest; with `lock`, row-locked until the transaction ends (used once). */
export function findStaffInvitation(em: EntityManager, codeHash: string, options: { lock?: boolean } = {}): Promise<StaffInvitation | null> {
  return em.findOne(StaffInvitationSchema, { codeHash }, options.lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
}

/** Deletes staff invitations that expired before `before`; answers how many. */
export function pruneStaffInvitations(em: EntityManager, before: Date): Promise<number> {
  return deleteCounting(em, `delete from ${table(em, 'staff_invitations')} where expires_at < ?`, [before]);
}
