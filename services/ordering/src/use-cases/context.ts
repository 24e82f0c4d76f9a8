import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger, Sealer } from '@marketbill/platform';
import type { Config } from '../config';
import type { IdempotentAnswer } from '../data-access/idempotency-repository';

/**
 * The settings use cases read (a slice of the service config), and the sealer that encrypts what
 * events carry for the notifier alone (phone numbers, SMS codes).
 */
export type Settings = Pick<Config, 'auth' | 'rateLimits' | 'cutoff'> & { sealer: Sealer };

/**
 * What a use case gets: an EntityManager fork for reads and single statements, and `tx` to run its
 * writes in one transaction. The entry point decides what `tx` means: a fresh transaction, or (for
 * an HTTP call with an Idempotency-Key) one that also stores the response, so the creation and the
 * stored answer commit together.
 */
export interface UseCaseContext {
  em: EntityManager;
  tx<T>(work: (em: EntityManager) => Promise<T>): Promise<T>;
  now(): Date;
  settings: Settings;
  logger: Logger;
  /** The client address, for rate limits (HTTP only). */
  clientIp?: string;
  /**
   * Present when the request carries an Idempotency-Key. A use case that makes its whole change in
   * ONE statement instead of `tx` (placing an order) calls it with its result and stores the answer
   * it gets in that same statement, so the change and the answer still commit together.
   */
  answer?(result: unknown): IdempotentAnswer;
}

/** A context whose `tx` opens a new transaction on a fork (the default for every entry point). */
export function createUseCaseContext(em: EntityManager, settings: Settings, logger: Logger, extra: { clientIp?: string; now?: () => Date } = {}): UseCaseContext {
  return {
    em,
    tx: (work) => em.fork().transactional((txEm) => work(txEm)),
    now: extra.now ?? (() => new Date()),
    settings,
    logger,
    ...(extra.clientIp ? { clientIp: extra.clientIp } : {}),
  };
}

/** Page request and answer, as every list endpoint uses them. */
export interface PageRequest {
  page: number;
  size: number;
}

export interface Page<T> {
  items: T[];
  page: number;
  size: number;
  total: number;
}
