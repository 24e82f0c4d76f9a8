import { randomUUID } from 'node:crypto';
import type { OrderLine, OrderPlaced, OrderSnapshot, OrderUpdated, RetailerProfileUpdated, WholesalerProfileUpdated } from '@marketbill/schemas';

export interface LineSpec {
  itemName?: string;
  varietyName?: string;
  kind?: OrderLine['kind'];
  grade?: OrderLine['grade'];
  quantity: number;
  unitPrice: number | null;
  memo?: string | null;
  lineId?: string;
}

/** An order line as ordering publishes it (amount = quantity × unitPrice, or null while unpriced). */
export function line(spec: LineSpec): OrderLine {
  return {
    lineId: spec.lineId ?? randomUUID(),
    kind: spec.kind ?? 'ITEM',
    varietyId: spec.kind && spec.kind !== 'ITEM' ? null : randomUUID(),
    itemName: spec.itemName ?? '장미',
    varietyName: spec.varietyName ?? '레드나오미',
    grade: spec.grade === undefined ? 'UPPER' : spec.grade,
    quantity: spec.quantity,
    unitPrice: spec.unitPrice,
    amount: spec.unitPrice === null ? null : spec.quantity * spec.unitPrice,
    memo: spec.memo ?? null,
  };
}

export interface OrderSpec {
  orderId?: string;
  orderNumber?: string;
  version?: number;
  status?: OrderSnapshot['status'];
  saleDay?: string;
  wholesaler: { id: string; name?: string };
  retailer: { id: string; name?: string };
  lines: OrderLine[];
}

/** The whole order sheet (OrderSnapshot) as ordering publishes it. */
export function snapshot(spec: OrderSpec): OrderSnapshot {
  const priced = spec.lines.filter((l) => l.unitPrice !== null);
  const saleDay = spec.saleDay ?? '2026-11-26';
  return {
    orderId: spec.orderId ?? randomUUID(),
    orderNumber: spec.orderNumber ?? `${saleDay.slice(2).replace(/-/g, '')}-${String(Math.floor(Math.random() * 999_999)).padStart(6, '0')}`,
    version: spec.version ?? 1,
    status: spec.status ?? 'PLACED',
    placement: 'MANUAL',
    placedAt: Date.parse(`${saleDay}T03:00:00+09:00`),
    saleDay,
    retailer: { id: spec.retailer.id, name: spec.retailer.name ?? '꽃담플라워', phone: '01012345678' },
    wholesaler: { id: spec.wholesaler.id, name: spec.wholesaler.name ?? '양재꽃상회', phone: '01098765432' },
    memo: null,
    fulfilment: { method: 'PICKUP', state: 'PENDING', address: null },
    lines: spec.lines,
    priceState: priced.length === 0 ? 'UNPRICED' : priced.length === spec.lines.length ? 'PRICED' : 'PARTIAL',
    total: priced.reduce((sum, l) => sum + (l.amount ?? 0), 0),
    pricedAt: priced.length > 0 ? Date.now() : null,
  };
}

export function orderPlaced(order: OrderSnapshot): OrderPlaced {
  return { eventId: randomUUID(), occurredAt: Date.now(), order };
}

export function orderUpdated(order: OrderSnapshot, change: OrderUpdated['change'] = 'PRICES_SET'): OrderUpdated {
  return { eventId: randomUUID(), occurredAt: Date.now(), change, order };
}

export function profileUpdated(wholesalerId: string, overrides: Partial<WholesalerProfileUpdated> = {}): WholesalerProfileUpdated {
  return {
    eventId: randomUUID(),
    occurredAt: Date.now(),
    wholesalerId,
    version: 1,
    shopName: '양재꽃상회',
    ownerPhone: '01098765432',
    businessNumber: '2208162517',
    companyName: '양재꽃상회',
    representative: '김꽃님',
    address: '서울특별시 서초구 강남대로 27 양재꽃시장 가동 101호',
    phone: '02-579-1234',
    businessType: '도소매',
    businessItem: '화훼',
    bankAccount: '농협 123-4567-8901-23 김꽃님',
    sealImageUrl: null,
    ...overrides,
  };
}

export function retailerProfileUpdated(retailerId: string, overrides: Partial<RetailerProfileUpdated> = {}): RetailerProfileUpdated {
  return {
    eventId: randomUUID(),
    occurredAt: Date.now(),
    retailerId,
    version: 1,
    businessNumber: '1208800767',
    companyName: '주식회사 꿀벌원예 양재본점',
    representative: '이벌꿀',
    address: '서울특별시 서초구 강남대로 27 양재꽃시장 화훼유통센터 2층 201호',
    businessType: '도소매',
    businessItem: '화초 및 산식물 도소매업',
    ...overrides,
  };
}
