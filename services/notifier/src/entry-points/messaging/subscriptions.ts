import { on, type Subscription } from '@marketbill/messaging';
import type { Handlers } from './handlers';

/** The one place the notifier declares what it consumes (mission.md, SMS). */
export function subscriptions(h: Handlers): Subscription[] {
  return [
    on('account.verification.requested', h.onVerificationRequested),
    on('connection.requested', h.onConnectionRequested),
    on('connection.decided', h.onConnectionDecided),
    on('order.placed', h.onOrderPlaced),
    on('order.updated', h.onOrderUpdated),
    on('statement.issued', h.onStatementIssued),
  ];
}
