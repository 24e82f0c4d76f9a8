import type { Actor } from '@marketbill/schemas';
import { AccessForbiddenError, StatementIssueForbiddenError } from './billing-errors';

/** The wholesaler an owner acts for; anyone else may not issue statements. */
export function assertMayIssue(actor: Actor): string {
  if (actor.role !== 'WHOLESALER_OWNER' || !actor.wholesalerId) throw StatementIssueForbiddenError.forRole(actor.role);
  return actor.wholesalerId;
}

/** The wholesaler an owner or staff member acts for (payments); others may not record payments. */
export function assertActsForWholesaler(actor: Actor): string {
  if ((actor.role !== 'WHOLESALER_OWNER' && actor.role !== 'WHOLESALER_STAFF') || !actor.wholesalerId) {
    throw AccessForbiddenError.because(`${actor.role} may not record payments.`);
  }
  return actor.wholesalerId;
}

/** Whether the actor may see a statement or ledger of this pair: its wholesaler's people, its retailer, or an admin. */
export function maySee(actor: Actor, pair: { wholesalerId: string; retailerId: string }): boolean {
  switch (actor.role) {
    case 'ADMIN':
      return true;
    case 'RETAILER':
      return actor.accountId === pair.retailerId;
    case 'WHOLESALER_OWNER':
    case 'WHOLESALER_STAFF':
      return actor.wholesalerId !== undefined && actor.wholesalerId === pair.wholesalerId;
  }
}

/**
 * Narrows a query to what the actor may see: a wholesaler's people see their own wholesaler's
 * data, a retailer its own; naming someone else's id is refused rather than silently replaced.
 */
export function scopeQuery(actor: Actor, query: { wholesalerId?: string | undefined; retailerId?: string | undefined }): { wholesalerId?: string; retailerId?: string } {
  const { wholesalerId, retailerId } = query;
  switch (actor.role) {
    case 'ADMIN':
      return { ...(wholesalerId ? { wholesalerId } : {}), ...(retailerId ? { retailerId } : {}) };
    case 'RETAILER':
      if (retailerId && retailerId !== actor.accountId) throw AccessForbiddenError.because('A retailer sees only its own statements.');
      return { retailerId: actor.accountId, ...(wholesalerId ? { wholesalerId } : {}) };
    case 'WHOLESALER_OWNER':
    case 'WHOLESALER_STAFF':
      if (!actor.wholesalerId) throw AccessForbiddenError.because('The actor names no wholesaler.');
      if (wholesalerId && wholesalerId !== actor.wholesalerId) throw AccessForbiddenError.because("A wholesaler sees only its own statements.");
      return { wholesalerId: actor.wholesalerId, ...(retailerId ? { retailerId } : {}) };
  }
}
