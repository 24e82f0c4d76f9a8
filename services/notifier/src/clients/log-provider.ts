import { maskPhone, type Logger } from '@marketbill/platform';
import type { AttemptResult } from '../domain/delivery-policy';
import { createRateLimiter } from './rate-limiter';
import type { OutgoingSms, SmsProvider } from './sms-provider';

/**
 * The embedded default: nothing leaves the process. Each message becomes one JSON line on stdout
 * (and its delivery is recorded SENT with provider "log"). The recipient is masked; the text is
 * the masked one, except for local demos (APP_ENV=local), where the full text is printed so a
 * sign-up code can be read from `.stack/logs/svc-notifier.log`.
 */
export function createLogProvider(options: { logger: Logger; fullText: boolean; ratePerSecond: number }): SmsProvider {
  const log = options.logger.child({ component: 'sms-log-provider' });
  return {
    name: 'log',
    reachesPhones: false,
    rateLimiter: createRateLimiter({ ratePerSecond: options.ratePerSecond }),
    async send(sms: OutgoingSms): Promise<AttemptResult> {
      log.info(
        {
          provider: 'log',
          deliveryId: sms.deliveryId,
          template: sms.template,
          to: maskPhone(sms.to),
          type: sms.type,
          subject: sms.subject,
          text: options.fullText ? sms.text : sms.storedText,
        },
        'sms written to the log',
      );
      return {
        outcome: 'ACCEPTED',
        httpStatus: null,
        providerStatus: 'LOGGED',
        providerMessage: 'written to the log; no SMS left the system',
        requestId: null,
        retryAfterMs: null,
        durationMs: 0,
      };
    },
    async close() {},
  };
}
