import type { EntityManager } from '@mikro-orm/postgresql';
import type { Role } from '@marketbill/schemas';
import { AccountSchema, WholesalerSchema, type Account } from '../../data-access/entities';

/**
 * Writes a new account in the caller's transaction. An owner's account id is its wholesaler's id,
 * and the wholesaler row (settings now, the business profile later) is made with it; staff carry
 * their owner's id.
 */
export function persistNewAccount(
  em: EntityManager,
  input: { id: string; phone: string; name: string; role: Role; passwordHash: string; ownerId: string | null; cutoffTime: string },
  now: Date,
): Account {
  const wholesalerId = input.role === 'WHOLESALER_OWNER' ? input.id : input.role === 'WHOLESALER_STAFF' ? input.ownerId : null;
  if (input.role === 'WHOLESALER_OWNER') {
    em.persist(
      em.create(WholesalerSchema, {
        id: input.id,
        cutoffTime: input.cutoffTime,
        businessNumber: null,
        companyName: null,
        representative: null,
        address: null,
        phone: null,
        businessType: null,
        businessItem: null,
        bankAccount: null,
        sealImageUrl: null,
        profileVersion: 0,
        profileUpdatedAt: null,
        createdAt: now,
      }),
    );
  }
  const account = em.create(AccountSchema, {
    id: input.id,
    phone: input.phone,
    name: input.name,
    role: input.role,
    passwordHash: input.passwordHash,
    wholesalerId,
    disabledAt: null,
    createdAt: now,
    updatedAt: now,
  });
  em.persist(account);
  return account;
}
