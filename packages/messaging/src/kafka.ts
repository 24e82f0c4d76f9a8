import { Kafka, logLevel, Partitioners, type LogEntry, type Producer } from 'kafkajs';
import type { Logger } from '@marketbill/platform';

export interface KafkaOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** Connection time-out per broker in ms (default 3000). */
  connectionTimeoutMs?: number;
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
    logLevel: logLevel.WARN,
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
