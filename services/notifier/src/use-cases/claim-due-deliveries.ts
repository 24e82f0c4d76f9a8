import type { Orm } from '@marketbill/platform';
import type { ClaimedDelivery, ClaimResult, DeliveryRepository } from '../data-access/delivery-repository';
import { listenForDeliveries, type DeliveryWakeUp } from '../data-access/delivery-wake-up';

export type { ClaimedDelivery, ClaimResult, DeliveryRepository, DeliveryWakeUp };

/** Leases up to `limit` deliveries that are due, for `leaseMs`, to the calling sender. */
export function claimDueDeliveries(deps: { orm: Orm; deliveries: DeliveryRepository }, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  return deps.deliveries.claimDue(deps.orm.em.fork(), limit, leaseMs);
}

/** Stores what the provider answered for a batch of claimed deliveries. */
export function recordDeliveryResults(deps: { orm: Orm; deliveries: DeliveryRepository }, results: ClaimResult[]): Promise<void> {
  return deps.deliveries.recordResults(deps.orm.em.fork(), results);
}

/** Calls `onWake` whenever a new delivery is committed (see listenForDeliveries). */
export function watchForDeliveries(options: Parameters<typeof listenForDeliveries>[0]): DeliveryWakeUp {
  return listenForDeliveries(options);
}
