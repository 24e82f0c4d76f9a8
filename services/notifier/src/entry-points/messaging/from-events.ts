import type { Sealer } from '@marketbill/platform';
import { sealedFieldContext, type OrderSnapshot, type Party, type VerificationRequested } from '@marketbill/schemas';
import type { OrderInfo, PartyInfo, VerificationRequest } from '../../domain/notices';

/**
 * Avro types stop at the entry point: the domain gets its own shapes. Phone numbers and codes
 * arrive sealed (only ordering and the notifier hold the key) and are opened here; events written
 * before they were sealed carry them in clear, and are read as they are. A value that does not
 * open (another key, altered) throws a non-retriable error: the event is dead-lettered.
 */
export function toParty(p: Party, sealer: Sealer): PartyInfo {
  return { id: p.id, name: p.name, phone: p.sealedPhone ? sealer.open(p.sealedPhone, sealedFieldContext.partyPhone(p.id)) : (p.phone ?? '') };
}

export function toVerificationRequest(e: VerificationRequested, sealer: Sealer): VerificationRequest {
  return {
    verificationId: e.verificationId,
    phone: e.sealedPhone ? sealer.open(e.sealedPhone, sealedFieldContext.verificationPhone(e.verificationId)) : (e.phone ?? ''),
    code: e.sealedCode ? sealer.open(e.sealedCode, sealedFieldContext.verificationCode(e.verificationId)) : (e.code ?? ''),
    purpose: e.purpose,
    notice: e.notice,
    occurredAt: e.occurredAt,
    expiresAt: e.expiresAt,
  };
}

export function toOrderInfo(o: OrderSnapshot, sealer: Sealer): OrderInfo {
  const items = o.lines.filter((l) => l.kind === 'ITEM');
  return {
    orderId: o.orderId,
    orderNumber: o.orderNumber,
    version: o.version,
    status: o.status,
    placement: o.placement,
    retailer: toParty(o.retailer, sealer),
    wholesaler: toParty(o.wholesaler, sealer),
    fulfilmentMethod: o.fulfilment.method,
    fulfilmentState: o.fulfilment.state,
    priceState: o.priceState,
    total: o.total,
    itemCount: items.length,
    totalQuantity: items.reduce((sum, l) => sum + l.quantity, 0),
  };
}
