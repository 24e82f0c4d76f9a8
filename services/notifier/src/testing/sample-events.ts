import { randomUUID } from 'node:crypto';
import { createSealer } from '@marketbill/platform';
import { sealedFieldContext } from '@marketbill/schemas';
import type {
  ConnectionDecided,
  ConnectionRequested,
  OrderPlaced,
  OrderSnapshot,
  OrderUpdated,
  Party,
  StatementIssued,
  VerificationRequested,
} from '@marketbill/schemas';

/**
 * The sealing key of the test notifier (the harness configures it): sample events seal phones and
 * codes with it as ordering does with the real one. Tests only; never a deployment's key.
 */
export const TEST_SEALING_KEY = 'test-only-event-sealing-key-0123456789abcdef';
const sealer = createSealer({ current: TEST_SEALING_KEY });

/**
 * Events as ordering and billing publish them, for tests and the benchmark. A party's phone is
 * sealed as ordering seals it; `number` keeps it in clear for the test's own assertions (the codec
 * writes only the schema's fields).
 */
export function party(name: string, phone: string): Party & { number: string } {
  const id = randomUUID();
  return { id, name, phone: null, sealedPhone: sealer.seal(phone, sealedFieldContext.partyPhone(id)), number: phone };
}

export function verificationRequested(phone: string, code = '123456', purpose: VerificationRequested['purpose'] = 'SIGN_UP'): VerificationRequested {
  const now = Date.now();
  const verificationId = randomUUID();
  return {
    eventId: randomUUID(),
    occurredAt: now,
    verificationId,
    phone: null,
    sealedPhone: sealer.seal(phone, sealedFieldContext.verificationPhone(verificationId)),
    code: null,
    sealedCode: sealer.seal(code, sealedFieldContext.verificationCode(verificationId)),
    purpose,
    expiresAt: now + 5 * 60_000,
    notice: 'CODE',
  };
}

export function connectionRequested(retailer: Party, wholesaler: Party): ConnectionRequested {
  return { eventId: randomUUID(), occurredAt: Date.now(), connectionId: randomUUID(), retailer, wholesaler };
}

export function connectionDecided(retailer: Party, wholesaler: Party, decision: ConnectionDecided['decision']): ConnectionDecided {
  return { eventId: randomUUID(), occurredAt: Date.now(), connectionId: randomUUID(), retailer, wholesaler, decision };
}

export function orderSnapshot(retailer: Party, wholesaler: Party, overrides: Partial<OrderSnapshot> = {}): OrderSnapshot {
  const now = Date.now();
  return {
    orderId: randomUUID(),
    orderNumber: '261126-000042',
    version: 1,
    status: 'PLACED',
    placement: 'MANUAL',
    placedAt: now,
    saleDay: '2026-11-26',
    retailer,
    wholesaler,
    memo: null,
    fulfilment: { method: 'PICKUP', state: 'PENDING', address: null },
    lines: [
      {
        lineId: randomUUID(),
        kind: 'ITEM',
        varietyId: randomUUID(),
        itemName: '장미',
        varietyName: '레드나오미',
        grade: 'UPPER',
        quantity: 10,
        unitPrice: null,
        amount: null,
        memo: null,
      },
    ],
    priceState: 'UNPRICED',
    total: 0,
    pricedAt: null,
    ...overrides,
  };
}

export function orderPlaced(order: OrderSnapshot): OrderPlaced {
  return { eventId: randomUUID(), occurredAt: order.placedAt, order };
}

export function orderUpdated(order: OrderSnapshot, change: OrderUpdated['change']): OrderUpdated {
  return { eventId: randomUUID(), occurredAt: Date.now(), change, order };
}

/** The same order, priced at `unitPrice` per unit (every line), one version later. */
export function priced(order: OrderSnapshot, unitPrice: number): OrderSnapshot {
  const lines = order.lines.map((l) => ({ ...l, unitPrice, amount: l.quantity * unitPrice }));
  return {
    ...order,
    version: order.version + 1,
    lines,
    priceState: 'PRICED',
    total: lines.reduce((sum, l) => sum + (l.amount ?? 0), 0),
    pricedAt: Date.now(),
  };
}

export function statementIssued(wholesaler: Party, retailer: Party, version = 1): StatementIssued {
  const statementId = randomUUID();
  return {
    eventId: randomUUID(),
    occurredAt: Date.now(),
    statementId,
    statementNumber: '2611-00017',
    version,
    supersedesStatementId: version > 1 ? randomUUID() : null,
    issuedAt: Date.now(),
    issueDay: '2026-11-26',
    wholesaler,
    retailer,
    orders: [{ orderId: randomUUID(), orderNumber: '261126-000042' }],
    lineCount: 1,
    total: 130_000,
    previousBalance: 50_000,
    payments: 50_000,
    balance: 130_000,
    document: { bucket: 'marketbill-statements', objectKey: `statements/${statementId}.pdf`, sha256: '0'.repeat(64), sizeBytes: 48_213, pages: 1 },
  };
}
