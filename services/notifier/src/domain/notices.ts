import { isMobileNumber } from './phone';
import { UnsendableEventError } from './notifier-errors';
import type { TemplateName, TemplateVariables } from './templates';
import type { WebLinks } from './web-links';

/**
 * What the notifier must send for an event: a template, its variables, its recipient, and how it
 * is deduplicated. The delivery log holds at most one delivery per (event, recipient, template);
 * `dedupeKey` narrows that further for things that must happen once whatever the event (an order
 * is announced as priced once, however many events show it priced).
 */
export type Notice = {
  [N in TemplateName]: {
    template: N;
    recipient: string;
    variables: TemplateVariables[N];
    dedupeKey: string | null;
    /** After this instant sending is pointless (a verification code that expired). */
    expiresAt: Date | null;
  };
}[TemplateName];

/** A party of a trade as the events describe it. */
export interface PartyInfo {
  id: string;
  name: string;
  phone: string;
}

export interface VerificationRequest {
  verificationId: string;
  phone: string;
  code: string;
  purpose: string;
  /** CODE (send the code) or ALREADY_REGISTERED (tell the owner someone tried to sign up; no code). */
  notice: string;
  occurredAt: number;
  expiresAt: number;
}

export interface ConnectionInfo {
  connectionId: string;
  retailer: PartyInfo;
  wholesaler: PartyInfo;
}

/** The parts of an order snapshot that notifications use. */
export interface OrderInfo {
  orderId: string;
  orderNumber: string;
  version: number;
  status: string;
  placement: string;
  retailer: PartyInfo;
  wholesaler: PartyInfo;
  fulfilmentMethod: string;
  fulfilmentState: string;
  priceState: string;
  total: number;
  itemCount: number;
  totalQuantity: number;
}

export interface StatementInfo {
  statementId: string;
  statementNumber: string;
  version: number;
  wholesaler: PartyInfo;
  retailer: PartyInfo;
  total: number;
  balance: number;
}

function recipient(phone: string, template: TemplateName, field: string): string {
  if (!isMobileNumber(phone)) throw UnsendableEventError.invalidRecipient(template, field);
  return phone;
}

export function verificationNotice(v: VerificationRequest): Notice {
  if (v.notice === 'ALREADY_REGISTERED') {
    return {
      template: 'sign-up-attempted',
      recipient: recipient(v.phone, 'sign-up-attempted', 'phone'),
      variables: {},
      dedupeKey: `verification:${v.verificationId}`,
      expiresAt: null,
    };
  }
  if (v.notice !== 'CODE') throw UnsendableEventError.unknownValue('notice', v.notice);
  if (v.purpose !== 'SIGN_UP' && v.purpose !== 'PASSWORD_RESET' && v.purpose !== 'SIGN_IN') throw UnsendableEventError.unknownValue('purpose', v.purpose);
  const minutes = Math.round((v.expiresAt - v.occurredAt) / 60_000);
  return {
    template: 'verification-code',
    recipient: recipient(v.phone, 'verification-code', 'phone'),
    variables: { purpose: v.purpose, code: v.code, validMinutes: minutes >= 1 ? minutes : null },
    dedupeKey: `verification:${v.verificationId}`,
    expiresAt: new Date(v.expiresAt),
  };
}

export function connectionRequestedNotice(c: ConnectionInfo, links: WebLinks): Notice {
  return {
    template: 'connection-requested',
    recipient: recipient(c.wholesaler.phone, 'connection-requested', 'wholesaler.phone'),
    variables: { retailerName: c.retailer.name, link: links.wholesaleConnections() },
    // Re-applying after a rejection is a new application on the same connection: only the event dedupes.
    dedupeKey: null,
    expiresAt: null,
  };
}

export function connectionDecidedNotice(c: ConnectionInfo & { decision: string }, links: WebLinks): Notice {
  if (c.decision === 'CONFIRMED') {
    return {
      template: 'connection-approved',
      recipient: recipient(c.retailer.phone, 'connection-approved', 'retailer.phone'),
      variables: { wholesalerName: c.wholesaler.name, link: links.retailWholesaler(c.wholesaler.id) },
      dedupeKey: null,
      expiresAt: null,
    };
  }
  if (c.decision === 'REJECTED') {
    return {
      template: 'connection-rejected',
      recipient: recipient(c.retailer.phone, 'connection-rejected', 'retailer.phone'),
      variables: { wholesalerName: c.wholesaler.name, link: links.retailWholesalers() },
      dedupeKey: null,
      expiresAt: null,
    };
  }
  throw UnsendableEventError.unknownValue('decision', c.decision);
}

/** "New order" for the wholesaler, once per order. */
export function orderPlacedNotice(o: OrderInfo, links: WebLinks): Notice {
  return {
    template: 'order-placed',
    recipient: recipient(o.wholesaler.phone, 'order-placed', 'order.wholesaler.phone'),
    variables: {
      retailerName: o.retailer.name,
      orderNumber: o.orderNumber,
      itemCount: o.itemCount,
      totalQuantity: o.totalQuantity,
      atCutoff: o.placement === 'CUTOFF',
      link: links.wholesaleOrder(o.orderId),
    },
    dedupeKey: `order-placed:${o.orderId}`,
    expiresAt: null,
  };
}

const FULFILMENT_TEMPLATES: Record<string, 'order-ready' | 'order-picked-up' | 'order-delivered' | undefined> = {
  READY: 'order-ready',
  PICKED_UP: 'order-picked-up',
  DELIVERED: 'order-delivered',
};

/**
 * What the retailer should hear about the newest snapshot of an order (call it only for a snapshot
 * newer than any seen before; older ones are history). Each kind goes once per order: the dedupe
 * key is the order and the template, whatever event carries it.
 * - "priced" when every line has a price; a later re-pricing is not announced again.
 * - the fulfilment state as it stands: a snapshot that is already DELIVERED sends "delivered"
 *   only, never a stale "ready".
 * - nothing for a cancelled order.
 */
export function orderMilestoneNotices(o: OrderInfo, links: WebLinks): Notice[] {
  if (o.status !== 'PLACED') return [];
  const notices: Notice[] = [];
  const link = links.retailOrder(o.orderId);
  if (o.priceState === 'PRICED') {
    notices.push({
      template: 'order-priced',
      recipient: recipient(o.retailer.phone, 'order-priced', 'order.retailer.phone'),
      variables: { wholesalerName: o.wholesaler.name, orderNumber: o.orderNumber, total: o.total, link },
      dedupeKey: `order-priced:${o.orderId}`,
      expiresAt: null,
    });
  }
  const template = FULFILMENT_TEMPLATES[o.fulfilmentState];
  if (template) {
    const to = recipient(o.retailer.phone, template, 'order.retailer.phone');
    const base = { wholesalerName: o.wholesaler.name, orderNumber: o.orderNumber, link };
    const dedupeKey = `${template}:${o.orderId}`;
    if (template === 'order-ready') {
      const method = o.fulfilmentMethod === 'DELIVERY' ? 'DELIVERY' : 'PICKUP';
      notices.push({ template, recipient: to, variables: { ...base, method }, dedupeKey, expiresAt: null });
    } else {
      notices.push({ template, recipient: to, variables: base, dedupeKey, expiresAt: null });
    }
  }
  return notices;
}

export function statementIssuedNotice(s: StatementInfo, links: WebLinks): Notice {
  return {
    template: 'statement-issued',
    recipient: recipient(s.retailer.phone, 'statement-issued', 'retailer.phone'),
    variables: {
      wholesalerName: s.wholesaler.name,
      statementNumber: s.statementNumber,
      reissued: s.version > 1,
      total: s.total,
      balance: s.balance,
      link: links.retailStatement(s.statementId),
    },
    dedupeKey: `statement-issued:${s.statementId}`,
    expiresAt: null,
  };
}
