import type { EntityManager } from '@mikro-orm/core';
import type { AttemptOutcome, DeliveryStatus } from '../domain/delivery-policy';
import type { PreparedDelivery } from '../domain/prepare-delivery';
import type { SmsType } from '../domain/sms-message';
import { redactError } from './redact-error';
import { DeliveryAttemptSchema, DeliverySchema, type Delivery, type DeliveryAttempt } from './entities';
import { tableOf } from './sql';

/** A delivery to insert (its id made by the caller). */
export interface NewDelivery extends PreparedDelivery {
  id: string;
  eventId: string;
  eventTopic: string;
  provider: string;
  status: Extract<DeliveryStatus, 'PENDING' | 'SKIPPED'>;
  providerMessage: string | null;
  traceHeaders: Record<string, string>;
}

/** A delivery a sender holds: everything it needs to call the provider. */
export interface ClaimedDelivery {
  id: string;
  claimId: string;
  eventId: string;
  template: string;
  recipient: string;
  type: SmsType;
  subject: string | null;
  /** What to send: the secret text when there is one, else the stored text. */
  text: string;
  /** What may be logged. */
  storedText: string;
  /** Provider calls recorded before this claim. */
  attempts: number;
  expiresAt: Date | null;
  traceHeaders: Record<string, string>;
  /** An earlier claim never recorded its outcome (its sender died): that call may have gone out. */
  previousClaimLost: boolean;
}

/** The outcome of one claim: the delivery's new state and the attempts to log. */
export interface ClaimResult {
  id: string;
  claimId: string;
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
  provider: string;
  providerStatus: string | null;
  providerMessage: string | null;
  requestId: string | null;
  sentAt: Date | null;
  attempts: Array<{
    attempt: number;
    at: Date;
    outcome: AttemptOutcome;
    httpStatus: number | null;
    providerStatus: string | null;
    providerMessage: string | null;
    requestId: string | null;
    durationMs: number;
  }>;
}

export interface DeliveryFilter {
  status?: DeliveryStatus;
  template?: string;
  recipient?: string;
  eventId?: string;
  from?: Date;
  to?: Date;
}

interface ClaimRow {
  id: string;
  claim_id: string;
  event_id: string;
  template: string;
  recipient: string;
  type: SmsType;
  subject: string | null;
  message_text: string;
  secret_text: string | null;
  attempts: number;
  expires_at: Date | null;
  trace_headers: Record<string, string> | null;
  previous_claim: string | null;
}

// Rows travel as one JSON array through jsonb_to_recordset: one statement per batch whatever its
// size, and no driver-specific array binding (knex would expand a JS array into a value list).
function insertSql(delivery: string): string {
  return `insert into ${delivery} (id, event_id, event_topic, template, recipient, dedupe_key, type, subject,
      message_text, secret_text, byte_length, provider, status, provider_message, expires_at, trace_headers)
    select id, event_id, event_topic, template, recipient, dedupe_key, type, subject,
      message_text, secret_text, byte_length, provider, status, provider_message, expires_at, coalesce(trace_headers, '{}'::jsonb)
    from jsonb_to_recordset(?::jsonb) as r(id uuid, event_id uuid, event_topic text, template text, recipient text,
      dedupe_key text, type text, subject text, message_text text, secret_text text, byte_length int, provider text,
      status text, provider_message text, expires_at timestamptz, trace_headers jsonb)
    on conflict do nothing
    returning id`;
}

function claimSql(delivery: string): string {
  return `with due as (
      select id, claim_id from ${delivery}
      where status = 'PENDING' and next_attempt_at <= now()
      order by next_attempt_at
      limit ?
      for update skip locked
    )
    update ${delivery} d
    set claim_id = gen_random_uuid(), next_attempt_at = now() + make_interval(secs => ?), updated_at = now()
    from due
    where d.id = due.id
    returning d.id, d.claim_id, d.event_id, d.template, d.recipient, d.type, d.subject, d.message_text, d.secret_text,
      d.attempts, d.expires_at, d.trace_headers, due.claim_id as previous_claim`;
}

function recordSql(delivery: string, deliveryAttempt: string): string {
  return `with r as (
      select * from jsonb_to_recordset(?::jsonb) as r(id uuid, claim_id uuid, status text, added_attempts int,
        next_attempt_at timestamptz, provider text, provider_status text, provider_message text, request_id text,
        sent_at timestamptz)
    ), updated as (
      update ${delivery} d set
        status = r.status,
        attempts = d.attempts + r.added_attempts,
        next_attempt_at = coalesce(r.next_attempt_at, d.next_attempt_at),
        claim_id = null,
        provider = r.provider,
        provider_status = r.provider_status,
        provider_message = r.provider_message,
        request_id = coalesce(r.request_id, d.request_id),
        sent_at = coalesce(r.sent_at, d.sent_at),
        secret_text = case when r.status = 'PENDING' then d.secret_text else null end,
        updated_at = now()
      from r
      where d.id = r.id and d.claim_id = r.claim_id
      returning d.id
    )
    insert into ${deliveryAttempt} (delivery_id, attempt, at, outcome, http_status, provider_status, provider_message, request_id, duration_ms)
    select delivery_id, attempt, at, outcome, http_status, provider_status, provider_message, request_id, duration_ms
    from jsonb_to_recordset(?::jsonb) as a(delivery_id uuid, attempt int, at timestamptz, outcome text, http_status int,
      provider_status text, provider_message text, request_id text, duration_ms int)`;
}

/** Inserts what is not there yet (both unique keys), in the caller's transaction; returns how many rows were new. */
export async function insertNewDeliveries(em: EntityManager, deliveries: NewDelivery[]): Promise<number> {
  if (deliveries.length === 0) return 0;
  const rows = deliveries.map((d) => ({
    id: d.id,
    event_id: d.eventId,
    event_topic: d.eventTopic,
    template: d.template,
    recipient: d.recipient,
    dedupe_key: d.dedupeKey,
    type: d.type,
    subject: d.subject,
    message_text: d.storedText,
    // A skipped delivery is final at once: its secret is never kept.
    secret_text: d.status === 'PENDING' ? d.secretText : null,
    byte_length: d.byteLength,
    provider: d.provider,
    status: d.status,
    provider_message: d.providerMessage,
    expires_at: d.expiresAt?.toISOString() ?? null,
    trace_headers: d.traceHeaders,
  }));
  try {
    const inserted = await em
      .getConnection()
      .execute<Array<{ id: string }>>(insertSql(tableOf(em, 'delivery')), [JSON.stringify(rows)], 'all', em.getTransactionContext());
    return inserted.length;
  } catch (error) {
    throw redactError(error, deliveries.flatMap((d) => d.secrets));
  }
}

/**
 * Takes up to `limit` due deliveries for this sender, in one autocommitted statement: rows locked
 * by another sender's claim are skipped, and a claimed row's `next_attempt_at` moves to the end
 * of its lease, so no other sender takes it until the lease runs out (a crashed sender's rows come
 * back by themselves).
 */
export async function claimDueDeliveries(em: EntityManager, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  const rows = await em.getConnection().execute<ClaimRow[]>(claimSql(tableOf(em, 'delivery')), [limit, leaseMs / 1000], 'all');
  return rows.map((r: ClaimRow) => ({
    id: r.id,
    claimId: r.claim_id,
    eventId: r.event_id,
    template: r.template,
    recipient: r.recipient,
    type: r.type,
    subject: r.subject,
    text: r.secret_text ?? r.message_text,
    storedText: r.message_text,
    attempts: r.attempts,
    expiresAt: r.expires_at ? new Date(r.expires_at) : null,
    traceHeaders: r.trace_headers ?? {},
    previousClaimLost: r.previous_claim !== null,
  }));
}

/** Records outcomes in one statement; a result whose claim is no longer current only logs its attempts. */
export async function recordDeliveryResults(em: EntityManager, results: ClaimResult[]): Promise<void> {
  if (results.length === 0) return;
  const updates = results.map((r) => ({
    id: r.id,
    claim_id: r.claimId,
    status: r.status,
    added_attempts: r.attempts.length,
    next_attempt_at: r.nextAttemptAt?.toISOString() ?? null,
    provider: r.provider,
    provider_status: r.providerStatus,
    provider_message: r.providerMessage,
    request_id: r.requestId,
    sent_at: r.sentAt?.toISOString() ?? null,
  }));
  const attempts = results.flatMap((r) =>
    r.attempts.map((a) => ({
      delivery_id: r.id,
      attempt: a.attempt,
      at: a.at.toISOString(),
      outcome: a.outcome,
      http_status: a.httpStatus,
      provider_status: a.providerStatus,
      provider_message: a.providerMessage,
      request_id: a.requestId,
      duration_ms: Math.round(a.durationMs),
    })),
  );
  await em.getConnection().execute(recordSql(tableOf(em, 'delivery'), tableOf(em, 'delivery_attempt')), [JSON.stringify(updates), JSON.stringify(attempts)], 'run');
}

/** One page of the delivery log, newest first, with the count of all that match. */
export function findDeliveries(em: EntityManager, filter: DeliveryFilter, page: { offset: number; limit: number }): Promise<[Delivery[], number]> {
  const where: Record<string, unknown> = {};
  if (filter.status) where.status = filter.status;
  if (filter.template) where.template = filter.template;
  if (filter.recipient) where.recipient = filter.recipient;
  if (filter.eventId) where.eventId = filter.eventId;
  if (filter.from || filter.to) {
    where.createdAt = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) };
  }
  return em.findAndCount(DeliverySchema, where, {
    orderBy: { createdAt: 'desc', id: 'desc' },
    offset: page.offset,
    limit: page.limit,
  });
}

export function findDelivery(em: EntityManager, id: string): Promise<Delivery | null> {
  return em.findOne(DeliverySchema, { id });
}

/** The provider calls made for a delivery, in order. */
export function findDeliveryAttempts(em: EntityManager, id: string): Promise<DeliveryAttempt[]> {
  return em.find(DeliveryAttemptSchema, { deliveryId: id }, { orderBy: { attempt: 'asc', id: 'asc' } });
}
