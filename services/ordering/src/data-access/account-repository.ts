import { UniqueConstraintViolationException, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Role } from '@marketbill/platform';
import { AccountError } from '../domain/ordering-errors';
import { AccountSchema, WholesalerSchema, type Account } from './entities';
import { containsPattern } from './sql';

export interface NewAccount {
  id: string;
  phone: string;
  name: string;
  role: Role;
  passwordHash: string;
  ownerId: string | null;
  cutoffTime: string;
}

/**
 * Writes a new account in the caller's transaction. An owner's account id is its wholesaler's id,
 * and the wholesaler row (settings now, the business profile later) is made with it; staff carry
 * their owner's id. Written at once, so a phone taken in the meantime (the unique index) is told
 * here as `phone-taken` instead of surfacing at commit as a driver error.
 */
export async function addAccount(em: EntityManager, input: NewAccount, now: Date): Promise<Account> {
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
  try {
    await em.flush();
  } catch (error) {
    // Two sign-ups of one number racing: the unique index on phone keeps one.
    if (error instanceof UniqueConstraintViolationException) throw AccountError.phoneTaken();
    throw error;
  }
  return account;
}

export function findAccount(em: EntityManager, id: string): Promise<Account | null> {
  return em.findOne(AccountSchema, { id });
}

/** The account; throws when it is gone (callers hold an id that must exist). */
export function getAccount(em: EntityManager, id: string): Promise<Account> {
  return em.findOneOrFail(AccountSchema, { id });
}

export function findAccountByPhone(em: EntityManager, phone: string): Promise<Account | null> {
  return em.findOne(AccountSchema, { phone });
}

export async function isPhoneTaken(em: EntityManager, phone: string): Promise<boolean> {
  return (await em.count(AccountSchema, { phone })) > 0;
}

/** The owner account of a wholesaler (its id is the wholesaler's), disabled or not. */
export function findOwner(em: EntityManager, wholesalerId: string): Promise<Account | null> {
  return em.findOne(AccountSchema, { id: wholesalerId, role: 'WHOLESALER_OWNER' });
}

/** The owner account of a wholesaler that may still trade (not disabled). */
export function findActiveOwner(em: EntityManager, wholesalerId: string): Promise<Account | null> {
  return em.findOne(AccountSchema, { id: wholesalerId, role: 'WHOLESALER_OWNER', disabledAt: null });
}

export async function findAccountsByIds(em: EntityManager, ids: string[]): Promise<Account[]> {
  const unique = [...new Set(ids)];
  return unique.length > 0 ? em.find(AccountSchema, { id: { $in: unique } }) : [];
}

/** Account names by id ('' for an unknown id), for lists naming both parties of trades. */
export async function accountNames(em: EntityManager, ids: string[]): Promise<(id: string) => { id: string; name: string }> {
  const unique = [...new Set(ids)];
  const accounts = unique.length > 0 ? await em.find(AccountSchema, { id: { $in: unique } }, { fields: ['id', 'name'] }) : [];
  const byId = new Map(accounts.map((a) => [a.id, a.name]));
  return (id) => ({ id, name: byId.get(id) ?? '' });
}

export async function setPasswordHash(em: EntityManager, accountId: string, passwordHash: string, now: Date): Promise<void> {
  await em.nativeUpdate(AccountSchema, { id: accountId }, { passwordHash, updatedAt: now });
}

/** An owner's staff members, oldest first. */
export function listStaffOf(em: EntityManager, wholesalerId: string): Promise<Account[]> {
  return em.find(AccountSchema, { wholesalerId, role: 'WHOLESALER_STAFF' }, { orderBy: { createdAt: 'asc' } });
}

/** Accounts by role and name or phone (a part of either), newest first: one page and the total. */
export function searchAccounts(em: EntityManager, query: { role?: Role | undefined; q?: string | undefined; offset: number; limit: number }): Promise<[Account[], number]> {
  const like = query.q ? containsPattern(query.q) : undefined;
  const where: FilterQuery<Account> = {
    ...(query.role ? { role: query.role } : {}),
    ...(like ? { $or: [{ name: { $ilike: like } }, { phone: { $like: like } }] } : {}),
  };
  return em.findAndCount(AccountSchema, where, { orderBy: { createdAt: 'desc', id: 'asc' }, limit: query.limit, offset: query.offset });
}

/** Owners of wholesalers that trade (not disabled), by shop name (a part of it): one page and the total. */
export function searchActiveOwners(em: EntityManager, query: { q?: string | undefined; offset: number; limit: number }): Promise<[Account[], number]> {
  const where = { role: 'WHOLESALER_OWNER' as const, disabledAt: null, ...(query.q ? { name: { $ilike: containsPattern(query.q) } } : {}) };
  return em.findAndCount(AccountSchema, where, { orderBy: { name: 'asc', id: 'asc' }, limit: query.limit, offset: query.offset });
}
