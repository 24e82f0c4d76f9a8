import type { EventHandler } from '@marketbill/messaging';
import type { RetailerProfileUpdated } from '@marketbill/schemas';
import { recordRetailerProfile } from '../../use-cases/record-retailer-profile';
import { toRetailerProfile } from './from-ordering-events';

/** retailer.profile.updated: the buyer block (공급받는자) printed on the retailer's next statements. */
export const onRetailerProfileUpdated: EventHandler<RetailerProfileUpdated> = async (event, ctx) => {
  const profile = toRetailerProfile(ctx.topic, event);
  const { applied } = await recordRetailerProfile(ctx.em, profile);
  ctx.logger.debug({ retailerId: profile.retailerId, version: profile.version, applied }, 'retailer profile recorded');
};
