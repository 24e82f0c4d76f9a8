import { readTopicToEnd } from '@marketbill/messaging';
import { SERVICE_NAMES, waitFor, type ServiceName } from '@marketbill/testing';
import { call } from '../../support/edge';
import type { Load } from './load';
import type { World } from './world';

export interface Figures {
  ordersAccepted: number;
  ordersInOrdering: number;
  statementsIssued: number;
  deadLetters: number;
  /** SMS the SENS-like server received. */
  smsReceived: number;
  /** SMS received more than once (same recipient, same text): the at-least-once edge of a crash mid-send. */
  duplicateSms: number;
  /** statement.issued messages beyond one per statement (a relay crash after Kafka's ack sends again; consumers drop them). */
  duplicateStatementEvents: number;
  clientErrors: number;
  clientErrorsByKind: Record<string, number>;
}

/** A schema that publishes through the outbox, and the service it belongs to. */
const OUTBOX_SERVICES: ServiceName[] = ['auction-ingest', 'ordering', 'billing'];

/**
 * Waits until the system has caught up with everything the load did: every outbox empty, no
 * consumer partition paused, no statement reserved, no SMS pending, billing's view of every order
 * at ordering's version. Answers how long that took.
 */
export async function drain(world: World, options: { timeoutMs?: number } = {}): Promise<number> {
  const started = Date.now();
  await waitFor(
    async () => {
      for (const service of OUTBOX_SERVICES) {
        const [row] = await world.sql<{ n: string }>(service, 'select count(*) as n from $schema.outbox');
        if (Number(row?.n) > 0) return undefined;
      }
      for (const proc of Object.values(world.system.processes).flat()) {
        if (!proc.running()) continue;
        const detail = await call(proc.url, 'GET', '/health/detail', { timeoutMs: 5_000 });
        const consumer = detail.body?.components?.messaging?.consumer;
        if (detail.status !== 200 || (consumer && (consumer.pausedPartitions.length > 0 || !consumer.inGroup))) return undefined;
      }
      const [reserved] = await world.sql<{ n: string }>('billing', `select count(*) as n from $schema.statement where status = 'RESERVED'`);
      if (Number(reserved?.n) > 0) return undefined;
      const [pending] = await world.sql<{ n: string }>('notifier', `select count(*) as n from $schema.delivery where status = 'PENDING'`);
      if (Number(pending?.n) > 0) return undefined;
      return (await behindInBilling(world)).length === 0;
    },
    { timeoutMs: options.timeoutMs ?? 300_000, intervalMs: 1_000, description: 'the system to catch up (outboxes, consumers, statements, SMS, billing’s view)' },
  );
  return Date.now() - started;
}

/** Orders whose version in billing's view is older than ordering's (or missing there). */
async function behindInBilling(world: World): Promise<string[]> {
  const ordering = await world.sql<{ id: string; version: number }>('ordering', 'select id, version from $schema.orders');
  const billing = await world.sql<{ order_id: string; version: number }>('billing', 'select order_id, version from $schema.order_sheet');
  const held = new Map(billing.map((r) => [r.order_id, r.version]));
  return ordering.filter((o) => (held.get(o.id) ?? 0) < o.version).map((o) => o.id);
}

/**
 * The invariants of a fault run, checked with SQL on each service's schema, topic reads and the
 * SMS provider's own record. Answers the violations found (empty when all hold) and the figures.
 */
export async function checkInvariants(world: World, load: Load): Promise<{ violations: string[]; figures: Figures }> {
  const violations: string[] = [];
  const fail = (message: string) => violations.push(message);

  // Every accepted order exists once in ordering, and nothing was created twice by a retry.
  const orders = await world.sql<{ id: string; number: string }>('ordering', 'select id, number from $schema.orders');
  const byId = new Map(orders.map((o) => [o.id, o]));
  for (const accepted of load.orders.values()) {
    if (!byId.has(accepted.orderId)) fail(`accepted order ${accepted.number} (${accepted.orderId}) is missing in ordering`);
  }
  if (orders.length !== load.orders.size) fail(`ordering holds ${orders.length} orders, clients were answered 201 for ${load.orders.size}`);
  if (new Set(orders.map((o) => o.number)).size !== orders.length) fail('two orders share a number');

  // Billing's view of every order is at ordering's latest version.
  const behind = await behindInBilling(world);
  if (behind.length > 0) fail(`${behind.length} order(s) behind in billing's view, e.g. ${behind.slice(0, 3).join(', ')}`);

  // One issued statement per statement the client was given; each charged once, with its PDF and one event.
  const issued = await world.sql<{ id: string; number: string; status: string }>('billing', 'select id, number, status from $schema.statement');
  const issuedIds = new Set(issued.filter((s) => s.status === 'ISSUED').map((s) => s.id));
  for (const s of load.statements.values()) if (!issuedIds.has(s.statementId)) fail(`statement ${s.number} answered 201 but is not ISSUED in billing`);
  if (issuedIds.size !== load.statements.size) fail(`billing issued ${issuedIds.size} statements, clients were answered 201 for ${load.statements.size}`);
  const released = issued.filter((s) => s.status === 'RELEASED');
  if (released.length > 0) fail(`${released.length} reservation(s) RELEASED (numbers burned): ${released.map((s) => s.number).join(', ')}`);
  const charges = await world.sql<{ statement_id: string; n: string }>('billing', `select statement_id, count(*) as n from $schema.ledger_entry where kind = 'CHARGE' group by statement_id`);
  const chargeCount = new Map(charges.map((c) => [c.statement_id, Number(c.n)]));
  for (const id of issuedIds) if (chargeCount.get(id) !== 1) fail(`statement ${id} has ${chargeCount.get(id) ?? 0} charges`);
  for (const s of load.statements.values()) {
    const link = await call(world.edges()[0] as string, 'GET', `/v1/statements/${s.statementId}/download`, { token: world.owner.token });
    // A GET (the link is signed for GET only); the first bytes say it is a PDF.
    const pdf = link.status === 200 ? await fetch(link.body.url, { headers: { range: 'bytes=0-4' } }).catch(() => undefined) : undefined;
    const head = pdf && (pdf.status === 200 || pdf.status === 206) ? Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString('latin1') : '';
    if (head !== '%PDF-') fail(`statement ${s.number}: no PDF behind its download link (${link.status}/${pdf?.status})`);
  }
  const prefix = world.system.env.billing.KAFKA_TOPIC_PREFIX as string;
  const events = await readTopicToEnd(world.kafka, `${prefix}statement.issued`);
  const eventIdsByStatement = new Map<string, Set<string>>();
  for (const m of events) {
    const set = eventIdsByStatement.get(m.key ?? '') ?? new Set<string>();
    set.add(m.headers['event-id'] ?? m.position);
    eventIdsByStatement.set(m.key ?? '', set);
  }
  for (const id of issuedIds) if (eventIdsByStatement.get(id)?.size !== 1) fail(`statement ${id} has ${eventIdsByStatement.get(id)?.size ?? 0} distinct statement.issued events`);

  // The SMS each of those facts owes was sent: one per (event, recipient, template) by the delivery log's keys.
  const deliveries = await world.sql<{ dedupe_key: string | null; status: string }>('notifier', 'select dedupe_key, status from $schema.delivery');
  const sent = new Map(deliveries.filter((d) => d.dedupe_key).map((d) => [d.dedupe_key as string, d.status]));
  const owed = [
    ...[...load.orders.values()].map((o) => `order-placed:${o.orderId}`),
    ...[...load.statements.values()].map((s) => `statement-issued:${s.statementId}`),
  ];
  const missing = owed.filter((k) => sent.get(k) !== 'SENT');
  if (missing.length > 0) fail(`${missing.length} SMS not sent, e.g. ${missing.slice(0, 3).join(', ')}`);
  const pricedMissing = [...load.pricedOrders].filter((id) => sent.get(`order-priced:${id}`) !== 'SENT');
  if (pricedMissing.length > 0) fail(`${pricedMissing.length} priced order(s) without their order-priced SMS, e.g. ${pricedMissing.slice(0, 3).join(', ')}`);
  const [dupDeliveries] = await world.sql<{ n: string }>('notifier', 'select count(*) as n from (select 1 from $schema.delivery group by event_id, recipient, template having count(*) > 1) d');
  if (Number(dupDeliveries?.n) > 0) fail(`${dupDeliveries?.n} (event, recipient, template) with more than one delivery`);

  // Honest status codes: whatever failed, no client was answered 500; every 503 named its cause
  // (a problem code) and said when to come back (Retry-After).
  const fiveHundreds = load.errors.filter((e) => e.status === 500);
  if (fiveHundreds.length > 0) fail(`${fiveHundreds.length} call(s) answered 500, e.g. ${fiveHundreds.slice(0, 3).map((e) => `${e.operation}: ${e.code}`).join(', ')}`);
  const vague = load.errors.filter((e) => e.status === 503 && (e.code === 'none' || !e.retryAfter));
  if (vague.length > 0) fail(`${vague.length} 503 answer(s) without a problem code or Retry-After, e.g. ${vague.slice(0, 3).map((e) => `${e.operation}: ${e.code}`).join(', ')}`);

  // Nothing in any dead-letter topic of this run.
  const admin = world.kafka.admin();
  await admin.connect();
  let deadLetters = 0;
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix) && t.endsWith('.dlq'));
    for (const topic of topics) {
      const n = (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
      if (n > 0) fail(`${n} dead letter(s) in ${topic}`);
      deadLetters += n;
    }
  } finally {
    await admin.disconnect();
  }

  // Outboxes drained.
  for (const service of SERVICE_NAMES) {
    const rows = await world.sql<{ n: string }>(service, `select count(*) as n from information_schema.tables where table_schema = $1 and table_name = 'outbox'`, [world.system.env[service].DATABASE_SCHEMA]);
    if (Number(rows[0]?.n) === 0) continue;
    const [left] = await world.sql<{ n: string }>(service, 'select count(*) as n from $schema.outbox');
    if (Number(left?.n) > 0) fail(`${left?.n} event(s) left in ${service}'s outbox`);
  }

  const seen = new Map<string, number>();
  for (const m of world.sens.received) seen.set(`${m.to}\n${m.content}`, (seen.get(`${m.to}\n${m.content}`) ?? 0) + 1);
  const duplicateSms = [...seen.values()].reduce((sum, n) => sum + (n - 1), 0);
  const stats = load.stats();
  return {
    violations,
    figures: {
      ordersAccepted: load.orders.size,
      ordersInOrdering: orders.length,
      statementsIssued: issuedIds.size,
      deadLetters,
      smsReceived: world.sens.received.length,
      duplicateSms,
      duplicateStatementEvents: events.length - [...eventIdsByStatement.values()].reduce((sum, s) => sum + s.size, 0),
      clientErrors: stats.errors,
      clientErrorsByKind: stats.errorsByKind,
    },
  };
}
