import { EntitySchema } from '@mikro-orm/core';
import type { AttemptOutcome, DeliveryStatus } from '../domain/delivery-policy';
import type { SmsType } from '../domain/sms-message';

/**
 * One SMS the notifier owes: a row of the delivery log. Written by the event handlers (PENDING, or
 * SKIPPED when the allow-list keeps it back), then moved on by the sender. The text with a secret
 * in it (`secret_text`, a verification code) is deliberately not mapped here: only the sender reads
 * it, with SQL, and it is wiped when the delivery reaches a final status.
 */
export interface Delivery {
  id: string;
  eventId: string;
  eventTopic: string;
  template: string;
  /** The full number (the provider needs it); every output masks it. */
  recipient: string;
  dedupeKey: string | null;
  type: SmsType;
  subject: string | null;
  /** The text with any secret masked. */
  messageText: string;
  byteLength: number;
  provider: string;
  status: DeliveryStatus;
  /** Provider calls made. */
  attempts: number;
  nextAttemptAt: Date;
  /** Set while a sender holds the delivery; the lease ends at nextAttemptAt. */
  claimId: string | null;
  expiresAt: Date | null;
  providerStatus: string | null;
  providerMessage: string | null;
  requestId: string | null;
  traceHeaders: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
}

/** One provider call of a delivery, with the provider's real answer. */
export interface DeliveryAttempt {
  id: string;
  deliveryId: string;
  attempt: number;
  at: Date;
  outcome: AttemptOutcome;
  httpStatus: number | null;
  providerStatus: string | null;
  providerMessage: string | null;
  requestId: string | null;
  durationMs: number;
}

export const DeliverySchema = new EntitySchema<Delivery>({
  name: 'Delivery',
  tableName: 'delivery',
  properties: {
    id: { type: 'uuid', primary: true },
    eventId: { type: 'uuid' },
    eventTopic: { type: 'text' },
    template: { type: 'text' },
    recipient: { type: 'text' },
    dedupeKey: { type: 'text', nullable: true },
    type: { type: 'text' },
    subject: { type: 'text', nullable: true },
    messageText: { type: 'text' },
    byteLength: { type: 'integer' },
    provider: { type: 'text' },
    status: { type: 'text' },
    attempts: { type: 'integer' },
    nextAttemptAt: { type: 'Date', columnType: 'timestamptz' },
    claimId: { type: 'uuid', nullable: true },
    expiresAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    providerStatus: { type: 'text', nullable: true },
    providerMessage: { type: 'text', nullable: true },
    requestId: { type: 'text', nullable: true },
    traceHeaders: { type: 'json' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
    sentAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
  },
});

export const DeliveryAttemptSchema = new EntitySchema<DeliveryAttempt>({
  name: 'DeliveryAttempt',
  tableName: 'delivery_attempt',
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    deliveryId: { type: 'uuid' },
    attempt: { type: 'integer' },
    at: { type: 'Date', columnType: 'timestamptz' },
    outcome: { type: 'text' },
    httpStatus: { type: 'integer', nullable: true },
    providerStatus: { type: 'text', nullable: true },
    providerMessage: { type: 'text', nullable: true },
    requestId: { type: 'text', nullable: true },
    durationMs: { type: 'integer' },
  },
});

/** Every entity of the notifier schema. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- EntitySchema generics are invariant
export const entities: Array<EntitySchema<any, any>> = [DeliverySchema, DeliveryAttemptSchema];
