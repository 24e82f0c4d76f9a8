import type { EntityManager } from '@mikro-orm/postgresql';
import type { OutboxRecord } from '@marketbill/messaging';
import { preparedQuery } from '@marketbill/platform';
import type { BuyerGrade } from '../domain/grade';
import type { FulfilmentMethod } from '../domain/order';
import type { OrderLineRow, OrderRow } from './entities';
import { qualifiedTable, schemaOf } from './sql';
import { answerCte, answerValues, claimCte, type IdempotentAnswer } from './idempotency-repository';

// Placing an order is the hot path of the edge: two prepared statements and no transaction around
// them. The first takes the day's order number and reads everything the order is made of; the second
// writes the order, its lines and its event and deletes the cart — as ONE statement, so it is atomic
// by itself — but only if the cart is still the version the first one read (its row's `xmin`, which
// every cart change rewrites: each one updates the cart's `updated_at`). A cart changed in between
// writes nothing and placement reads again. Before: twelve round trips (counter, BEGIN, the locked
// cart, parties, varieties, order, lines, cart delete, outbox, idempotency answer, COMMIT and the
// idempotency claim), each a new SQL text with its values inlined; measured in bench/ordering.

/** A party as its account row holds it (the event seals the phone: see toEventParty). */
export interface AccountParty {
  id: string;
  name: string;
  phone: string;
}

/** A cart line with what the order line copies from the read model and the wholesaler's daily price. */
export interface CartLineForOrder {
  id: string;
  varietyId: string;
  grade: BuyerGrade;
  quantity: number;
  memo: string | null;
  itemName: string;
  varietyName: string;
  /** The wholesaler's daily price of this variety and grade on the sale day, when one is set. */
  dailyPrice: number | null;
}

/** Everything an order is made of, read in one statement. */
export interface CartForOrder {
  /** The day's next order sequence, taken only when the cart has lines and the connection is CONFIRMED. */
  sequence: number | null;
  /** The cart row's version (`xmin`): the write happens only if it is unchanged. */
  version: string;
  id: string;
  memo: string | null;
  fulfilmentMethod: FulfilmentMethod;
  deliveryAddress: string | null;
  lines: CartLineForOrder[];
  retailer: AccountParty;
  wholesaler: AccountParty;
  confirmed: boolean;
}

/** The text of the read statement ($1 sale day, $2 retailer, $3 wholesaler), for a schema. */
export function placementReadSql(schema: string): string {
  const t = (name: string) => qualifiedTable(schema, name);
  return `with cart as (
      select c.id, c.xmin::text as version, c.memo, c.fulfilment_method, c.delivery_address
        from ${t('carts')} c where c.retailer_id = $2 and c.wholesaler_id = $3
    ), lines as (
      select l.id, l.variety_id, l.grade, l.quantity, l.memo, v.item_name, v.variety_name, d.unit_price, l.created_at
        from cart join ${t('cart_lines')} l on l.cart_id = cart.id
        left join ${t('catalog_varieties')} v on v.id = l.variety_id
        left join ${t('daily_prices')} d on d.wholesaler_id = $3 and d.day = $1 and d.variety_id = l.variety_id and d.grade = l.grade
    ), connection as (
      select exists (select 1 from ${t('connections')} k where k.retailer_id = $2 and k.wholesaler_id = $3 and k.status = 'CONFIRMED') as confirmed
    ), sequence as (
      insert into ${t('order_counters')} as n (day, last)
      select $1, 1 where exists (select 1 from lines) and (select confirmed from connection)
      on conflict (day) do update set last = n.last + 1
      returning last
    )
    select (select last from sequence) as sequence, cart.id, cart.version, cart.memo, cart.fulfilment_method, cart.delivery_address,
           (select confirmed from connection) as confirmed,
           (select coalesce(json_agg(json_build_object('id', l.id, 'varietyId', l.variety_id, 'grade', l.grade, 'quantity', l.quantity, 'memo', l.memo,
                   'itemName', coalesce(l.item_name, ''), 'varietyName', coalesce(l.variety_name, ''), 'dailyPrice', l.unit_price) order by l.created_at, l.id), '[]')
              from lines l) as lines,
           (select json_agg(json_build_object('id', a.id, 'name', a.name, 'phone', a.phone)) from ${t('accounts')} a where a.id in ($2, $3)) as parties
      from cart`;
}

/**
 * Takes the sale day's next order number (only for a cart that can be ordered: it has lines and
 * the connection is CONFIRMED; a refused order takes none) and reads the open cart with its lines,
 * their names and daily prices, both parties and the connection — one statement, no lock.
 * Undefined when there is no open cart. The counter row is locked only for this statement.
 */
export async function readCartForOrder(em: EntityManager, saleDay: string, retailerId: string, wholesalerId: string): Promise<CartForOrder | undefined> {
  const [row] = await preparedQuery<{
    sequence: number | null;
    id: string;
    version: string;
    memo: string | null;
    fulfilment_method: FulfilmentMethod;
    delivery_address: string | null;
    confirmed: boolean;
    lines: CartLineForOrder[];
    parties: AccountParty[] | null;
  }>(em, placementReadSql(schemaOf(em)), [saleDay, retailerId, wholesalerId]);
  if (!row) return undefined;
  const party = (id: string): AccountParty => {
    const a = row.parties?.find((p) => p.id === id);
    return { id, name: a?.name ?? '', phone: a?.phone ?? '' };
  };
  return {
    sequence: row.sequence,
    version: row.version,
    id: row.id,
    memo: row.memo,
    fulfilmentMethod: row.fulfilment_method,
    deliveryAddress: row.delivery_address,
    lines: row.lines.map((l) => ({ ...l, dailyPrice: l.dailyPrice === null ? null : Number(l.dailyPrice) })),
    retailer: party(retailerId),
    wholesaler: party(wholesalerId),
    confirmed: row.confirmed,
  };
}

/**
 * The text of the write statement for a schema; with `withAnswer` it also stores the HTTP answer of
 * an Idempotency-Key ($24–$28), and only while its claim holds. Values in the order of {@link placementWriteValues}.
 */
export function placementWriteSql(schema: string, withAnswer: boolean): string {
  const t = (name: string) => qualifiedTable(schema, name);
  // With an Idempotency-Key the cart is deleted (and so anything written) only while the key's claim
  // is still this request's: a retry that took the claim over places the order itself.
  return `with ${withAnswer ? `${claimCte(t('idempotency_keys'), 24)}, ` : ''}gone as (
      delete from ${t('carts')} where id = $1 and xmin = $2::text::xid${withAnswer ? ' and exists (select 1 from claim)' : ''} returning id
    ), placed as (
      insert into ${t('orders')} (id, number, retailer_id, wholesaler_id, status, placement, placed_at, sale_day, memo, fulfilment_method,
                                  fulfilment_state, delivery_address, version, priced_at, updated_at)
      select $3::uuid, $4::text, $5::uuid, $6::uuid, $7::text, $8::text, $9::timestamptz, $10::text, $11::text, $12::text,
             $13::text, $14::text, $15::int, $16::timestamptz, $9::timestamptz
        from gone
      returning id
    ), lines as (
      insert into ${t('order_lines')} (id, order_id, position, kind, variety_id, item_name, variety_name, grade, quantity, unit_price, memo)
      select l.id, placed.id, l.position, l.kind, l.variety_id, l.item_name, l.variety_name, l.grade, l.quantity, l.unit_price, l.memo
        from placed, jsonb_to_recordset($17::jsonb) as l(id uuid, position int, kind text, variety_id uuid, item_name text, variety_name text,
                                                        grade text, quantity int, unit_price bigint, memo text)
      returning 1
    ), event as (
      insert into ${t('outbox')} (event_id, topic, message_key, body, schema_fingerprint, headers)
      select $18::uuid, $19::text, $20::text, $21::bytea, $22::bytea, $23::jsonb from placed
      returning 1
    )${withAnswer ? `, ${answerCte(t('idempotency_keys'), 'placed', 24)}` : ''}
    select count(*)::int as placed, ${withAnswer ? '(select count(*) from claim)::int' : '1'} as claimed from placed`;
}

/** The write statement's values (see {@link placementWriteSql}). */
export function placementWriteValues(cart: Pick<CartForOrder, 'id' | 'version'>, order: OrderRow, lines: OrderLineRow[], event: OutboxRecord, answer?: IdempotentAnswer): unknown[] {
  return [
    cart.id,
    cart.version,
    order.id,
    order.number,
    order.retailerId,
    order.wholesalerId,
    order.status,
    order.placement,
    order.placedAt,
    order.saleDay,
    order.memo,
    order.fulfilmentMethod,
    order.fulfilmentState,
    order.deliveryAddress,
    order.version,
    order.pricedAt,
    JSON.stringify(
      lines.map((l) => ({
        id: l.id,
        position: l.position,
        kind: l.kind,
        variety_id: l.varietyId,
        item_name: l.itemName,
        variety_name: l.varietyName,
        grade: l.grade,
        quantity: l.quantity,
        unit_price: l.unitPrice,
        memo: l.memo,
      })),
    ),
    event.eventId,
    event.topic,
    event.messageKey,
    event.body,
    event.schemaFingerprint,
    JSON.stringify(event.headers),
    ...(answer ? answerValues(answer) : []),
  ];
}

/**
 * Writes the order, its lines, its `order.placed` outbox row (and the stored answer of an
 * Idempotency-Key) and deletes the cart with its lines, in one statement — if the cart is still at
 * `cart.version` and, with a key, the key's claim is still this request's. `cart-changed` when the
 * cart changed or went since it was read, `claim-lost` when a retry took the key over: nothing was
 * written either way.
 */
export async function writeOrder(
  em: EntityManager,
  cart: Pick<CartForOrder, 'id' | 'version'>,
  order: OrderRow,
  lines: OrderLineRow[],
  event: OutboxRecord,
  answer?: IdempotentAnswer,
): Promise<'placed' | 'cart-changed' | 'claim-lost'> {
  const [row] = await preparedQuery<{ placed: number; claimed: number }>(em, placementWriteSql(schemaOf(em), answer !== undefined), placementWriteValues(cart, order, lines, event, answer));
  if (row?.placed === 1) return 'placed';
  return row?.claimed === 0 ? 'claim-lost' : 'cart-changed';
}
