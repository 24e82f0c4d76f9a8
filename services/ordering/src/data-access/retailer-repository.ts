import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { RetailerProfileSchema, type RetailerProfile } from './entities';

export function findRetailerProfile(em: EntityManager, retailerId: string): Promise<RetailerProfile | null> {
  return em.findOne(RetailerProfileSchema, { retailerId });
}

/** The retailer's profile, row-locked until the transaction ends (versions grow one at a time). */
export function lockRetailerProfile(em: EntityManager, retailerId: string): Promise<RetailerProfile | null> {
  return em.findOne(RetailerProfileSchema, { retailerId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
}

/** A retailer's first profile, persisted when the caller's transaction flushes. */
export function addRetailerProfile(em: EntityManager, profile: RetailerProfile): RetailerProfile {
  const created = em.create(RetailerProfileSchema, profile);
  em.persist(created);
  return created;
}
