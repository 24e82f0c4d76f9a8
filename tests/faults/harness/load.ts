import { randomUUID } from 'node:crypto';
import { call, type Answer } from '../../support/edge';
import type { Account, World } from './world';

/** An answer a client saw that was not what it asked for: a 5xx, a 409 in flight, a dropped connection. */
export interface ClientError {
  at: number;
  operation: string;
  status: number;
  code: string;
  /** The answer's `Retry-After` (recorded for the answers a client retries: 5xx, 429, 409 in flight). */
  retryAfter?: string | null;
}

export interface AcceptedOrder {
  orderId: string;
  number: string;
  retailer: string;
  key: string;
  acceptedAt: number;
  lines: Array<{ id: string }>;
}

export interface IssuedStatement {
  statementId: string;
  number: string;
  orderId: string;
  issuedAt: number;
}

export interface LoadStats {
  accepted: number;
  priced: number;
  statements: number;
  errors: number;
  /** Client-visible errors by `status code`. */
  errorsByKind: Record<string, number>;
}

export interface Load {
  orders: Map<string, AcceptedOrder>;
  /** Orders the wholesaler priced (every line). */
  pricedOrders: Set<string>;
  statements: Map<string, IssuedStatement>;
  errors: ClientError[];
  start(): void;
  /** Stops placing orders, finishes pricing and issuing what was accepted, and resolves when done. */
  stop(): Promise<void>;
  /** Gives up at once: calls in flight stop retrying (after a failed run, so cleanup is not held up). */
  abort(): Promise<void>;
  stats(): LoadStats;
  /** Client errors in a time window, by kind. */
  errorsBetween(from: number, to: number): Record<string, number>;
}

export interface LoadOptions {
  /** Orders per second over all florists (default 2). */
  ordersPerSecond?: number;
  /** One statement for every N priced orders (default 3). */
  statementEvery?: number;
  log?: (line: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a retrying client does with an answer: done (success or a final refusal), or try again. */
function retriable(answer: Answer): boolean {
  if (answer.status === 0 || answer.status >= 500 || answer.status === 429) return true;
  return answer.status === 409 && ['idempotency-key-in-flight', 'idempotency-key-taken-over', 'statement-in-progress'].includes(answer.body?.code);
}

/**
 * Steady traffic through the REST edge, as the apps would make it: florists fill a cart and order
 * (each order with its own Idempotency-Key), the wholesaler prices every order and issues a
 * statement for some. A failed call is retried with the same key — on the next edge replica, after
 * Retry-After when the answer gives one — until it gets a final answer, the way a phone app with an
 * idempotency key would. Every client-visible failure is counted.
 */
export function createLoad(world: World, options: LoadOptions = {}): Load {
  const log = options.log ?? (() => undefined);
  const perSecond = options.ordersPerSecond ?? 2;
  const statementEvery = options.statementEvery ?? 3;
  const orders = new Map<string, AcceptedOrder>();
  const statements = new Map<string, IssuedStatement>();
  const errors: ClientError[] = [];
  const toPrice: AcceptedOrder[] = [];
  const pricedOrders = new Set<string>();
  let placing = false;
  let pricing = false;
  let aborted = false;
  let priced = 0;
  let next = 0;
  const workers: Array<Promise<void>> = [];

  /** One logical call: retried with the same key until it gets a final answer. */
  async function request(operation: string, account: Account, method: string, path: string, body?: unknown, key?: string): Promise<Answer> {
    for (let attempt = 1; ; attempt++) {
      if (aborted) return { status: -1, body: { code: 'aborted' }, headers: new Headers() };
      const edges = world.edges();
      const base = edges[next++ % Math.max(1, edges.length)] ?? world.system.urls.ordering;
      const answer = await call(base, method, path, { token: account.token, body, headers: key ? { 'idempotency-key': key } : {}, timeoutMs: 20_000 });
      if (answer.status === 401) {
        await world.refresh(account).catch(() => undefined);
        continue;
      }
      if (!retriable(answer)) return answer;
      errors.push({ at: Date.now(), operation, status: answer.status, code: String(answer.body?.code ?? 'none'), retryAfter: answer.headers.get('retry-after') });
      const retryAfter = Number(answer.headers.get('retry-after'));
      await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1_000, 5_000) : Math.min(250 * attempt, 2_000));
    }
  }

  async function florist(account: Account, index: number, gapMs: number): Promise<void> {
    await sleep(index * (gapMs / world.retailers.length));
    while (placing) {
      const started = Date.now();
      const varietyId = world.varieties[Math.floor(Math.random() * world.varieties.length)] as string;
      const added = await request('add-cart-line', account, 'POST', `/v1/carts/${world.owner.wholesalerId}/lines`, { varietyId, grade: 'UPPER', quantity: 1 + Math.floor(Math.random() * 20) }, randomUUID());
      if (added.status !== 200) {
        errors.push({ at: Date.now(), operation: 'add-cart-line', status: added.status, code: String(added.body?.code ?? 'none') });
      } else {
        const key = randomUUID();
        const placed = await request('place-order', account, 'POST', '/v1/orders', { wholesalerId: world.owner.wholesalerId }, key);
        if (placed.status === 201) {
          const order: AcceptedOrder = { orderId: placed.body.id, number: placed.body.number, retailer: account.accountId, key, acceptedAt: Date.now(), lines: placed.body.lines };
          orders.set(order.orderId, order);
          toPrice.push(order);
        } else {
          errors.push({ at: Date.now(), operation: 'place-order', status: placed.status, code: String(placed.body?.code ?? 'none') });
        }
      }
      await sleep(Math.max(0, gapMs - (Date.now() - started)));
    }
  }

  async function wholesaler(): Promise<void> {
    while ((pricing || toPrice.length > 0) && !aborted) {
      const order = toPrice.shift();
      if (!order) {
        await sleep(100);
        continue;
      }
      const lines = order.lines.map((l) => ({ lineId: l.id, unitPrice: 1_000 + Math.floor(Math.random() * 50) * 100 }));
      const answer = await request('set-prices', world.owner, 'PATCH', `/v1/orders/${order.orderId}/prices`, { lines });
      if (answer.status !== 200) {
        errors.push({ at: Date.now(), operation: 'set-prices', status: answer.status, code: String(answer.body?.code ?? 'none') });
        continue;
      }
      priced++;
      pricedOrders.add(order.orderId);
      if (priced % statementEvery !== 0) continue;
      const issued = await request('issue-statement', world.owner, 'POST', '/v1/statements', { orderIds: [order.orderId] }, randomUUID());
      if (issued.status === 201) {
        statements.set(issued.body.id, { statementId: issued.body.id, number: issued.body.number, orderId: order.orderId, issuedAt: Date.now() });
      } else {
        errors.push({ at: Date.now(), operation: 'issue-statement', status: issued.status, code: String(issued.body?.code ?? 'none') });
      }
    }
  }

  return {
    orders,
    pricedOrders,
    statements,
    errors,
    start() {
      placing = true;
      pricing = true;
      const gapMs = (1_000 * world.retailers.length) / perSecond;
      world.retailers.forEach((account, i) => workers.push(florist(account, i, gapMs)));
      workers.push(wholesaler(), wholesaler());
      log(`load: ${perSecond} orders/s from ${world.retailers.length} florists, a statement for every ${statementEvery} priced orders`);
    },
    async stop() {
      placing = false;
      await Promise.all(workers.slice(0, world.retailers.length));
      pricing = false;
      await Promise.all(workers);
      log(`load stopped: ${orders.size} orders accepted, ${priced} priced, ${statements.size} statements issued, ${errors.length} client-visible errors`);
    },
    async abort() {
      aborted = true;
      placing = false;
      pricing = false;
      await Promise.all(workers);
    },
    stats() {
      const errorsByKind: Record<string, number> = {};
      for (const e of errors) errorsByKind[`${e.status} ${e.code}`] = (errorsByKind[`${e.status} ${e.code}`] ?? 0) + 1;
      return { accepted: orders.size, priced, statements: statements.size, errors: errors.length, errorsByKind };
    },
    errorsBetween(from, to) {
      const byKind: Record<string, number> = {};
      for (const e of errors) if (e.at >= from && e.at <= to) byKind[`${e.status} ${e.code}`] = (byKind[`${e.status} ${e.code}`] ?? 0) + 1;
      return byKind;
    },
  };
}
