// The actor contract: who a service acts for when the ordering edge calls it. Ordering owns it —
// it authenticates users and names the acting one in the X-MarketBill-Actor header of every
// internal call (base64url of this record as JSON) — and billing, catalog and the notifier read it
// to check ownership and roles again on their own data. Published here beside ordering's topics,
// not in the platform package: roles are a business fact, the header transport is plumbing
// (`actorHeaders` / `readActorHeader` of @marketbill/platform).

/** The roles of MarketBill accounts. */
export const ROLES = ['RETAILER', 'WHOLESALER_OWNER', 'WHOLESALER_STAFF', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

/** Who is acting. */
export type Actor = {
  /** The account acting. */
  accountId: string;
  role: Role;
  /** For WHOLESALER_OWNER and WHOLESALER_STAFF: the wholesaler (the owner's account id) they act for. */
  wholesalerId?: string;
};

// A UUID as the services' own validation accepts one (zod's z.uuid(): RFC 9562 versions 1–8 and
// the variant bits, or the nil and max UUIDs).
const UUID = /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/;

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * The actor a decoded X-MarketBill-Actor header names, or undefined when it is not a valid actor.
 * Unknown keys are dropped, so nothing but the contract's fields reaches the service.
 */
export function parseActor(value: unknown): Actor | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { accountId, role, wholesalerId } = value as Record<string, unknown>;
  if (typeof accountId !== 'string' || !UUID.test(accountId) || !isRole(role)) return undefined;
  if (wholesalerId !== undefined && (typeof wholesalerId !== 'string' || !UUID.test(wholesalerId))) return undefined;
  return { accountId, role, ...(wholesalerId === undefined ? {} : { wholesalerId }) };
}
