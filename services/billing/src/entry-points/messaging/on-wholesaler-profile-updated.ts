import type { EventHandler } from '@marketbill/messaging';
import type { WholesalerProfileUpdated } from '@marketbill/schemas';
import { recordWholesalerProfile } from '../../use-cases/record-wholesaler-profile';
import { toWholesalerProfile } from './from-ordering-events';

/** wholesaler.profile.updated: the supplier block printed on the wholesaler's next statements. */
export const onWholesalerProfileUpdated: EventHandler<WholesalerProfileUpdated> = async (event, ctx) => {
  const profile = toWholesalerProfile(ctx.topic, event);
  const { applied } = await recordWholesalerProfile(ctx.em, profile);
  ctx.logger.debug({ wholesalerId: profile.wholesalerId, version: profile.version, applied }, 'wholesaler profile recorded');
};
