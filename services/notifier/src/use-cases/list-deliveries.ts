import type { EntityManager } from '@mikro-orm/core';
import { maskPhone } from '@marketbill/platform';
import type { DeliveryFilter, DeliveryRepository } from '../data-access/delivery-repository';
import type { Delivery } from '../data-access/entities';

export type { DeliveryRepository };

/** A delivery as the internal API shows it: the number masked, never a secret. */
export interface DeliveryView {
  id: string;
  eventId: string;
  template: string;
  recipient: string;
  type: 'SMS' | 'LMS';
  provider: string;
  status: 'PENDING' | 'SENT' | 'FAILED' | 'SKIPPED';
  attempts: number;
  providerStatus: string | null;
  providerMessage: string | null;
  requestId: string | null;
  createdAt: string;
  sentAt: string | null;
}

export function toDeliveryView(d: Delivery): DeliveryView {
  return {
    id: d.id,
    eventId: d.eventId,
    template: d.template,
    recipient: maskPhone(d.recipient),
    type: d.type,
    provider: d.provider,
    status: d.status,
    attempts: d.attempts,
    providerStatus: d.providerStatus,
    providerMessage: d.providerMessage,
    requestId: d.requestId,
    createdAt: d.createdAt.toISOString(),
    sentAt: d.sentAt ? d.sentAt.toISOString() : null,
  };
}

export interface DeliveryPage {
  items: DeliveryView[];
  page: number;
  size: number;
  total: number;
}

/** The delivery log, newest first, filtered; `page` counts from 1. */
export async function listDeliveries(
  deps: { deliveries: DeliveryRepository },
  em: EntityManager,
  filter: DeliveryFilter,
  page: { page: number; size: number },
): Promise<DeliveryPage> {
  const [rows, total] = await deps.deliveries.list(em, filter, { offset: (page.page - 1) * page.size, limit: page.size });
  return { items: rows.map(toDeliveryView), page: page.page, size: page.size, total };
}
