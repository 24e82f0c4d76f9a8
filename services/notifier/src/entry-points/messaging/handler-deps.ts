import type { Sealer } from '@marketbill/platform';
import type { NotifyOrderChangeDeps } from '../../use-cases/notify-order-change';

/**
 * What the notifier's handlers need besides the subscriber's transaction: the web links its SMS
 * carry, the provider, the allow-list and the environment (recorded with each delivery), and the
 * sealer that opens the phone numbers and codes the events carry sealed. Built once in service.ts.
 */
export interface HandlerDeps extends NotifyOrderChangeDeps {
  sealer: Sealer;
}
