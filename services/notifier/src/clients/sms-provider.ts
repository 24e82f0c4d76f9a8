import type { AttemptResult } from '../domain/delivery-policy';
import type { SmsType } from '../domain/sms-message';
import type { RateLimiter } from './rate-limiter';

/** One message for a provider. */
export interface OutgoingSms {
  deliveryId: string;
  template: string;
  to: string;
  type: SmsType;
  subject: string | null;
  /** The real text (it may hold a verification code). */
  text: string;
  /** The text with secrets masked: the only one that may be logged. */
  storedText: string;
}

/**
 * Something that delivers SMS. `send` never throws for the provider's failures: every call ends in
 * an {@link AttemptResult} carrying the provider's real answer, which the delivery log keeps.
 */
export interface SmsProvider {
  readonly name: 'sens' | 'log';
  /** True when messages reach real phones: only then does the non-production allow-list apply. */
  readonly reachesPhones: boolean;
  /** This provider's own rate limit. */
  readonly rateLimiter: RateLimiter;
  send(sms: OutgoingSms): Promise<AttemptResult>;
  close(): Promise<void>;
}
