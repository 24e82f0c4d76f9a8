import { lineAmount, orderTotals } from '../../domain/order';
import type { Session } from '../../use-cases/accounts/issue-session';
import type { Account, Wholesaler } from '../../use-cases/accounts/get-account';
import type { CartDetails } from '../../use-cases/carts/cart-details';
import type { ConnectionDetails } from '../../use-cases/connections/list-connections';
import type { OrderDetails } from '../../use-cases/orders/order-details';
import type { RetailerProfile } from '../../use-cases/retailers/get-retailer';
import type { ProfileView } from '../../use-cases/wholesalers/get-wholesaler';

// Response bodies, built from use-case results. Instants go out as ISO-8601 UTC strings.

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

export function toTokens(session: Session) {
  return {
    tokenType: 'Bearer' as const,
    accessToken: session.accessToken,
    accessTokenExpiresAt: iso(session.accessTokenExpiresAt),
    refreshToken: session.refreshToken,
    refreshTokenExpiresAt: iso(session.refreshTokenExpiresAt),
  };
}

export function toAccount(account: Account, wholesalerName: string | null = null) {
  return {
    id: account.id,
    phone: account.phone,
    name: account.name,
    role: account.role,
    wholesalerId: account.wholesalerId,
    wholesalerName,
    disabled: account.disabledAt !== null,
    createdAt: iso(account.createdAt),
  };
}

/** A wholesaler; with the SHOP view the profile's restricted fields are null (see ProfileView). */
export function toWholesaler(wholesaler: Wholesaler, owner: Account, view: ProfileView = 'FULL') {
  const full = view === 'FULL';
  return {
    id: wholesaler.id,
    name: owner.name,
    cutoffTime: wholesaler.cutoffTime,
    profile:
      wholesaler.profileVersion > 0 && wholesaler.profileUpdatedAt
        ? {
            view,
            businessNumber: full ? (wholesaler.businessNumber ?? '') : null,
            companyName: wholesaler.companyName ?? '',
            representative: full ? (wholesaler.representative ?? '') : null,
            address: wholesaler.address ?? '',
            phone: wholesaler.phone ?? '',
            businessType: wholesaler.businessType ?? '',
            businessItem: wholesaler.businessItem ?? '',
            bankAccount: full ? (wholesaler.bankAccount ?? '') : null,
            sealImageUrl: full ? wholesaler.sealImageUrl : null,
            version: wholesaler.profileVersion,
            updatedAt: iso(wholesaler.profileUpdatedAt),
          }
        : null,
  };
}

export function toRetailer(account: Account, profile: RetailerProfile | null) {
  return {
    id: account.id,
    name: account.name,
    profile: profile
      ? {
          businessNumber: profile.businessNumber,
          companyName: profile.companyName,
          representative: profile.representative,
          address: profile.address,
          businessType: profile.businessType,
          businessItem: profile.businessItem,
          version: profile.version,
          updatedAt: iso(profile.updatedAt),
        }
      : null,
  };
}

export function toConnection({ connection, retailer, wholesaler }: ConnectionDetails) {
  return {
    id: connection.id,
    status: connection.status,
    retailer: { id: connection.retailerId, name: retailer?.name ?? '' },
    wholesaler: { id: connection.wholesalerId, name: wholesaler?.name ?? '' },
    createdAt: iso(connection.createdAt),
    decidedAt: isoOrNull(connection.decidedAt),
  };
}

export function toCart(details: CartDetails) {
  const { cart } = details;
  return {
    id: cart?.id ?? null,
    wholesalerId: details.wholesalerId,
    memo: cart?.memo ?? null,
    fulfilment: { method: cart?.fulfilmentMethod ?? 'PICKUP', address: cart?.deliveryAddress ?? null },
    lines: details.lines.map((l) => ({ id: l.id, varietyId: l.varietyId, itemName: l.itemName, varietyName: l.varietyName, grade: l.grade, quantity: l.quantity, memo: l.memo })),
    updatedAt: cart ? iso(cart.updatedAt) : null,
  };
}

export function toOrder({ order, lines, retailer, wholesaler }: OrderDetails) {
  const { total, priceState } = orderTotals(lines);
  return {
    id: order.id,
    number: order.number,
    version: order.version,
    status: order.status,
    placement: order.placement,
    placedAt: iso(order.placedAt),
    saleDay: order.saleDay,
    retailer,
    wholesaler,
    memo: order.memo,
    fulfilment: { method: order.fulfilmentMethod, state: order.fulfilmentState, address: order.deliveryAddress },
    lines: lines.map((l) => ({
      id: l.id,
      kind: l.kind,
      varietyId: l.varietyId,
      itemName: l.itemName,
      varietyName: l.varietyName,
      grade: l.grade,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      amount: lineAmount(l),
      memo: l.memo,
    })),
    priceState,
    total,
    pricedAt: isoOrNull(order.pricedAt),
    cancelledAt: isoOrNull(order.cancelledAt),
    statement:
      order.statementId && order.statementNumber && order.statementVersion !== null && order.statementIssuedAt
        ? { id: order.statementId, number: order.statementNumber, version: order.statementVersion, issuedAt: iso(order.statementIssuedAt) }
        : null,
  };
}
