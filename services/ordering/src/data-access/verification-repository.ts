import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { VerificationSchema, type Verification } from './entities';
import { deleteCounting, table } from './sql';

/** Stores an SMS verification (the code's digest), persisted when the caller's transaction flushes. */
export function addVerification(em: EntityManager, verification: Verification): void {
  em.persist(em.create(VerificationSchema, verification));
}

/** The verification, row-locked until the transaction ends: attempts are counted one at a time. */
export function lockVerification(em: EntityManager, id: string): Promise<Verification | null> {
  return em.findOne(VerificationSchema, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
}

/** Deletes verifications that expired before `before`; answers how many. */
export function pruneVerifications(em: EntityManager, before: Date): Promise<number> {
  return deleteCounting(em, `delete from ${table(em, 'verifications')} where expires_at < ?`, [before]);
}
