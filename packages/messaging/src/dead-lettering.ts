import type { EachMessagePayload, IHeaders, Producer } from 'kafkajs';
import { AppError, failureCause, type Logger, type Orm } from '@marketbill/platform';
import type { AnyTopicNaming } from './topic-naming';

/**
 * Whether trying again can help: AppErrors say so themselves; a dependency that does not answer
 * (connection refused or lost, a time-out, a database shutting down or starting up) and database
 * contention (deadlock, serialization failure, lock time-out) can. Kafka client errors are about
 * the broker, never the message. Anything else (a TypeError, a constraint violation) cannot.
 */
export function isTransient(error: unknown): boolean {
  if (failureCause(error) !== 'unknown') return true;
  if (error instanceof AppError) return error.retriable;
  const name = (error as { name?: unknown })?.name;
  return typeof name === 'string' && name.startsWith('KafkaJS');
}

/** Why a message goes to the dead-letter topic: only for what is wrong with the message itself. */
export class DeadLetter extends Error {
  constructor(
    readonly reason: string,
    readonly errorCode: string,
    readonly attempts: number,
    cause: unknown,
  ) {
    super(reason, { cause });
  }
}

/** What became of one message: handled (processed, skipped as a repeat or dead-lettered), or waiting for a dependency. */
export type Outcome = { kind: 'handled' } | { kind: 'waiting'; error: unknown };

export interface DeadLettering {
  /**
   * Poison or waiting? Transient failures wait. An AppError that is not retriable is the handler
   * refusing the content. Any other error is a bug — unless the database does not answer, in which
   * case the error was the lost connection in disguise and the message waits.
   */
  isPoison(error: unknown): Promise<boolean>;
  /**
   * Sends a poisoned message to its topic's dead-letter topic with the reason in headers. When the
   * dead-letter topic cannot be written either, the message waits (`waiting`) instead of being lost.
   */
  deadLetter(topic: string, payload: EachMessagePayload, dead: DeadLetter): Promise<Outcome>;
  /** Messages dead-lettered so far. */
  count(): number;
}

export interface DeadLetteringOptions {
  /** Producer for dead letters. */
  producer: Producer;
  naming: AnyTopicNaming;
  groupId: string;
  orm: Orm;
  logger: Logger;
  /** Answers whether the handlers' database is reachable (default: `select 1` through the ORM). */
  databaseProbe?: () => Promise<void>;
}

const PROBE_TIMEOUT_MS = 3_000;

/** A consumer group's dead-lettering: telling poison from a dependency fault, and setting poison aside. */
export function createDeadLettering(options: DeadLetteringOptions): DeadLettering {
  const log = options.logger;
  let deadLettered = 0;
  const databaseProbe =
    options.databaseProbe ??
    (async () => {
      await options.orm.em.fork().getConnection().execute('select 1');
    });

  async function isPoison(error: unknown): Promise<boolean> {
    if (isTransient(error)) return false;
    if (error instanceof AppError) return true;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        databaseProbe(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('the database did not answer within 3 s')), PROBE_TIMEOUT_MS);
        }),
      ]);
      return true;
    } catch {
      return false;
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  async function send(topic: string, payload: EachMessagePayload, dead: DeadLetter): Promise<void> {
    const { partition, message } = payload;
    const headers: IHeaders = {
      ...(message.headers ?? {}),
      'dlq-reason': dead.reason.slice(0, 2_000),
      'dlq-error-code': dead.errorCode,
      'dlq-consumer-group': options.groupId,
      'dlq-original-topic': payload.topic,
      'dlq-original-partition': String(partition),
      'dlq-original-offset': message.offset,
      'dlq-attempts': String(dead.attempts),
      'dlq-failed-at': new Date().toISOString(),
    };
    await options.producer.send({
      topic: options.naming.deadLetter(topic),
      acks: -1,
      messages: [{ key: message.key, value: message.value, headers }],
    });
    deadLettered++;
    log.warn(
      { topic: payload.topic, partition, offset: message.offset, errorCode: dead.errorCode, reason: dead.reason, attempts: dead.attempts },
      'message dead-lettered',
    );
  }

  return {
    isPoison,
    async deadLetter(topic, payload, dead) {
      try {
        await send(topic, payload, dead);
        return { kind: 'handled' };
      } catch (error) {
        return { kind: 'waiting', error };
      }
    },
    count: () => deadLettered,
  };
}
