const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids in MarketBill are UUIDs; events from other services are checked before they key our rows. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
