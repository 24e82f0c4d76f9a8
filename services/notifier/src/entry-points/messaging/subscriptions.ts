import type { Subscription } from '@marketbill/messaging';
import { on } from '../../topics';
import type { HandlerDeps } from './handler-deps';
import { onAccountVerificationRequested } from './on-account-verification-requested';
import { onConnectionDecided } from './on-connection-decided';
import { onConnectionRequested } from './on-connection-requested';
import { onOrderPlaced } from './on-order-placed';
import { onOrderUpdated } from './on-order-updated';
import { onStatementIssued } from './on-statement-issued';

/**
 * The notifier's subscriptions table (consumer group `notifier`): the one place its consumed topics
 * are declared (mission.md, SMS). Each handler maps its event to notices and records the deliveries
 * in the subscriber's transaction (the inbox entry and the deliveries commit together); none sends
 * an SMS. An event that cannot become an SMS throws a non-retriable UnsendableEventError, and the
 * subscriber puts it on the topic's dead-letter topic.
 *
 * Unlike billing's and ordering's, this table is a function: the handlers need configuration (web
 * links, the provider, the sealing key), which service.ts hands in once.
 */
export function subscriptions(deps: HandlerDeps): Subscription[] {
  return [
    on('account.verification.requested', onAccountVerificationRequested(deps)),
    on('connection.requested', onConnectionRequested(deps)),
    on('connection.decided', onConnectionDecided(deps)),
    on('order.placed', onOrderPlaced(deps)),
    on('order.updated', onOrderUpdated(deps)),
    on('statement.issued', onStatementIssued(deps)),
  ];
}
