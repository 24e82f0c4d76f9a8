import type { Subscription } from '@marketbill/messaging';
import { on } from '../../topics';
import { onOrderPlaced } from './on-order-placed';
import { onOrderUpdated } from './on-order-updated';
import { onRetailerProfileUpdated } from './on-retailer-profile-updated';
import { onWholesalerProfileUpdated } from './on-wholesaler-profile-updated';

/** Billing's subscriptions table: the one place its consumed topics are declared. */
export const subscriptions: Subscription[] = [
  on('order.placed', onOrderPlaced),
  on('order.updated', onOrderUpdated),
  on('wholesaler.profile.updated', onWholesalerProfileUpdated),
  on('retailer.profile.updated', onRetailerProfileUpdated),
];
