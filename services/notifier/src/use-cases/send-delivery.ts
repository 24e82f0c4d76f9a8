import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ClaimedDelivery, ClaimResult } from '../data-access/delivery-repository';
import { decideAfterAttempt, type AttemptResult, type RetryPolicy } from '../domain/delivery-policy';
import type { SmsProvider } from '../clients/sms-provider';

export interface SendDeliveryDeps {
  provider: SmsProvider;
  policy: RetryPolicy;
  now?: () => Date;
  random?: () => number;
}

const tracer = trace.getTracer('notifier');

const LOST_CALL = 'the sender stopped before recording this call; it may have reached the provider';

/**
 * Makes one provider call for a delivery a sender has claimed (outside any database
 * transaction) and decides what follows: SENT, FAILED with the provider's reason, or PENDING
 * again with the time of the next try. The call runs in a span that continues the trace of the
 * event that asked for the SMS.
 *
 * A claim that an earlier sender never settled (it died between the call and the record) is logged
 * as an UNKNOWN attempt and sent again: see the README, "The crash window", for why we accept a
 * rare duplicate rather than a silent loss.
 */
export async function sendDelivery(deps: SendDeliveryDeps, claimed: ClaimedDelivery): Promise<ClaimResult> {
  const now = deps.now ?? (() => new Date());
  const random = deps.random ?? Math.random;
  const attempts: ClaimResult['attempts'] = [];
  let made = claimed.attempts;
  if (claimed.previousClaimLost) {
    made += 1;
    attempts.push({ attempt: made, at: now(), outcome: 'UNKNOWN', httpStatus: null, providerStatus: null, providerMessage: LOST_CALL, requestId: null, durationMs: 0 });
  }
  const base = { id: claimed.id, claimId: claimed.claimId, provider: deps.provider.name, attempts };

  if (claimed.expiresAt && claimed.expiresAt <= now()) {
    return { ...base, status: 'FAILED', nextAttemptAt: null, providerStatus: null, providerMessage: 'expired before it could be sent', requestId: null, sentAt: null };
  }
  if (made >= deps.policy.maxAttempts) {
    return { ...base, status: 'FAILED', nextAttemptAt: null, providerStatus: null, providerMessage: `gave up after ${made} attempts: ${LOST_CALL}`, requestId: null, sentAt: null };
  }

  await deps.provider.rateLimiter.acquire();
  const parent = propagation.extract(ROOT_CONTEXT, claimed.traceHeaders);
  const result: AttemptResult = await tracer.startActiveSpan(
    'sms send',
    { kind: SpanKind.CLIENT, attributes: { 'sms.provider': deps.provider.name, 'sms.template': claimed.template, 'sms.type': claimed.type, 'sms.delivery_id': claimed.id } },
    parent,
    async (span) => {
      try {
        const answer = await context.with(trace.setSpan(context.active(), span), () =>
          deps.provider.send({
            deliveryId: claimed.id,
            template: claimed.template,
            to: claimed.recipient,
            type: claimed.type,
            subject: claimed.subject,
            text: claimed.text,
            storedText: claimed.storedText,
          }),
        );
        span.setAttribute('sms.outcome', answer.outcome);
        if (answer.outcome !== 'ACCEPTED') span.setStatus({ code: SpanStatusCode.ERROR, message: answer.providerMessage ?? answer.outcome });
        return answer;
      } finally {
        span.end();
      }
    },
  );
  made += 1;
  const at = now();
  attempts.push({
    attempt: made,
    at,
    outcome: result.outcome,
    httpStatus: result.httpStatus,
    providerStatus: result.providerStatus,
    providerMessage: result.providerMessage,
    requestId: result.requestId,
    durationMs: result.durationMs,
  });
  if (result.outcome === 'THROTTLED' && result.retryAfterMs !== null) deps.provider.rateLimiter.pause(result.retryAfterMs);

  const decision = decideAfterAttempt({ result, attemptsMade: made, policy: deps.policy, now: at, expiresAt: claimed.expiresAt, random: random() });
  const answer = { providerStatus: result.providerStatus, providerMessage: result.providerMessage, requestId: result.requestId };
  switch (decision.status) {
    case 'SENT':
      return { ...base, ...answer, status: 'SENT', nextAttemptAt: null, sentAt: at };
    case 'PENDING':
      return { ...base, ...answer, status: 'PENDING', nextAttemptAt: decision.retryAt, sentAt: null };
    case 'FAILED': {
      const why = decision.reason === 'expired' ? 'expired before the next try; ' : decision.reason === 'attempts-exhausted' ? `gave up after ${made} attempts; ` : '';
      return { ...base, ...answer, providerMessage: `${why}${result.providerMessage ?? result.outcome}`, status: 'FAILED', nextAttemptAt: null, sentAt: null };
    }
  }
}
