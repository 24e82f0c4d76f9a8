import { Kafka, logLevel, Partitioners, type KafkaConfig, type LogEntry, type Producer, type RetryOptions } from 'kafkajs';
import type { KafkaSecurity, Logger } from '@marketbill/platform';

export interface KafkaOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** Connection time-out per broker in ms (default 3000). */
  connectionTimeoutMs?: number;
  /** TLS and SASL (default: plain TCP, no authentication). The password is never logged. */
  security?: KafkaSecurity;
  /** kafkajs's retry policy for this client's requests (default: kafkajs's). */
  retry?: RetryOptions;
  /** Only errors of kafkajs itself are logged (a probe that expects to fail while Kafka is down). */
  quiet?: boolean;
}

/** The `ssl` and `sasl` parts of a kafkajs configuration. */
export function kafkaSecurityConfig(security: KafkaSecurity | undefined): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  if (!security) return {};
  const ssl = security.ssl === false ? undefined : security.ssl.ca === undefined ? true : { ca: [security.ssl.ca] };
  const { sasl } = security;
  return {
    ...(ssl === undefined ? {} : { ssl }),
    // kafkajs's SASL types are a union per mechanism; ours is the same shape for all three.
    ...(sasl ? { sasl: { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as NonNullable<KafkaConfig['sasl']> } : {}),
  };
}

/**
 * A kafkajs client whose own log lines go to our JSON logger. kafkajs logs a lot at INFO
 * (every group join); that becomes debug here, and its warnings and errors stay.
 */
export function createKafka(options: KafkaOptions): Kafka {
  const log = options.logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    ...kafkaSecurityConfig(options.security),
    ...(options.retry ? { retry: options.retry } : {}),
    logLevel: options.quiet ? logLevel.NOTHING : logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log: entry }: LogEntry) => {
        const { message, timestamp: _ts, logger: _l, ...fields } = entry;
        const line = { namespace, ...fields };
        if (level === logLevel.ERROR) log.error(line, message);
        else if (level === logLevel.WARN) log.warn(line, message);
        else log.debug(line, message);
      },
  });
}

/**
 * The producer every service uses: acks from all in-sync replicas, one request in flight per broker
 * (so a retried batch cannot overtake the next one: order per partition holds), and the Java
 * client's murmur2 partitioner, so a key lands on the same partition whichever client produced it.
 *
 * Not kafkajs's idempotent mode: kafkajs requires unlimited retries for it, which would make a send
 * hang for as long as Kafka is down, hiding the outage from the relay's health and retry loop.
 * Duplicates from a retried send are harmless: every consumer deduplicates on the event id.
 */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: false,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 5_000 },
  });
}
