import type { EventHandler } from '@marketbill/messaging';
import type { VerificationRequested } from '@marketbill/schemas';
import { verificationNotice } from '../../domain/notices';
import { recordDeliveries } from '../../use-cases/record-deliveries';
import type { HandlerDeps } from './handler-deps';
import { toVerificationRequest } from './from-events';

/** account.verification.requested: the sign-up or password-reset code, to the number being verified. */
export function onAccountVerificationRequested(deps: HandlerDeps): EventHandler<VerificationRequested> {
  return async (event, ctx) => {
    const notice = verificationNotice(toVerificationRequest(event, deps.sealer));
    await recordDeliveries(deps, ctx.em, { eventId: ctx.eventId, topic: ctx.topic }, [notice], ctx.logger);
  };
}
