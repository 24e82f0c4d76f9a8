import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { context, propagation } from '@opentelemetry/api';
import { maskPhone, type Logger } from '@marketbill/platform';
import { insertNewDeliveries, type NewDelivery } from '../data-access/delivery-repository';
import { isAllowedRecipient } from '../domain/delivery-policy';
import type { Notice } from '../domain/notices';
import { prepareDelivery } from '../domain/prepare-delivery';

export interface RecordDeliveriesDeps {
  /** The provider that will send (recorded with the delivery). */
  provider: { name: string; reachesPhones: boolean };
  /** Numbers a real provider may send to outside production; undefined in production. */
  allowList: ReadonlySet<string> | undefined;
  appEnv: string;
}

/**
 * Writes the deliveries an event calls for, in the event handler's transaction, and sends
 * nothing: the SMS goes out later from the sender, outside any transaction, so a slow or failing
 * provider never holds a transaction open or rolls back the record of the event. Redelivered or
 * repeated events insert nothing new (the delivery log's unique keys). A number that is not on the
 * allow-list outside production is recorded SKIPPED at once when the provider reaches real phones.
 *
 * Every notice is rendered before anything is written, so an event that cannot become an SMS
 * fails whole (and is dead-lettered by the subscriber) rather than half.
 *
 * @returns how many deliveries were new.
 */
export async function recordDeliveries(
  deps: RecordDeliveriesDeps,
  em: EntityManager,
  event: { eventId: string; topic: string },
  notices: Notice[],
  logger: Logger,
): Promise<number> {
  if (notices.length === 0) return 0;
  const traceHeaders: Record<string, string> = {};
  propagation.inject(context.active(), traceHeaders);
  const rows: NewDelivery[] = notices.map((notice) => {
    const prepared = prepareDelivery(notice);
    const held = deps.provider.reachesPhones && !isAllowedRecipient(prepared.recipient, deps.allowList);
    return {
      ...prepared,
      id: randomUUID(),
      eventId: event.eventId,
      eventTopic: event.topic,
      provider: deps.provider.name,
      status: held ? 'SKIPPED' : 'PENDING',
      providerMessage: held ? `not sent: the number is not on SMS_ALLOW_LIST (APP_ENV=${deps.appEnv})` : null,
      traceHeaders,
    };
  });
  const inserted = await insertNewDeliveries(em, rows);
  // Built only when it is written: this runs once per event, hundreds of times a second.
  if (logger.isLevelEnabled('debug')) {
    logger.debug(
      {
        eventId: event.eventId,
        new: inserted,
        deliveries: rows.map((r) => ({ template: r.template, to: maskPhone(r.recipient), type: r.type, status: r.status })),
      },
      'deliveries recorded',
    );
  }
  return inserted;
}
