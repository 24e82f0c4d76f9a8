import type { Actor, Role } from '@marketbill/schemas';
import { RoleError } from './ordering-errors';

/**
 * Who is acting: taken from a verified access token. The same record ordering publishes as the
 * actor contract (@marketbill/schemas) and sends to billing, catalog and the notifier.
 */
export type { Actor };

/** Roles that may sign themselves up (ADMIN accounts are made by operators). */
export const SIGN_UP_ROLES = ['RETAILER', 'WHOLESALER_OWNER', 'WHOLESALER_STAFF'] as const;
export type SignUpRole = (typeof SIGN_UP_ROLES)[number];

export const WHOLESALER_ROLES = ['WHOLESALER_OWNER', 'WHOLESALER_STAFF'] as const;

/** Throws 403 unless the actor has one of `roles`. */
export function assertRole(actor: Actor, roles: readonly Role[]): void {
  if (!roles.includes(actor.role)) throw RoleError.requires(roles);
}

/** The wholesaler an owner or staff member acts for; 403 for any other role. */
export function actingWholesaler(actor: Actor): string {
  if ((actor.role !== 'WHOLESALER_OWNER' && actor.role !== 'WHOLESALER_STAFF') || !actor.wholesalerId) {
    throw RoleError.requires(WHOLESALER_ROLES);
  }
  return actor.wholesalerId;
}

/** The owner's wholesaler id; staff are refused (profile, invitations, settings). */
export function owningWholesaler(actor: Actor): string {
  if (actor.role !== 'WHOLESALER_OWNER' || !actor.wholesalerId) throw RoleError.ownerOnly();
  return actor.wholesalerId;
}

/**
 * Whether the actor may see a resource between a retailer and a wholesaler: the retailer itself,
 * the wholesaler's owner and staff, and ADMIN. Callers answer 404 otherwise (no existence leak).
 */
export function canSee(actor: Actor, party: { retailerId: string; wholesalerId: string }): boolean {
  if (actor.role === 'ADMIN') return true;
  if (actor.role === 'RETAILER') return actor.accountId === party.retailerId;
  return actor.wholesalerId === party.wholesalerId;
}
