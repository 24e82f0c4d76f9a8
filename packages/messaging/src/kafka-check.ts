import type { KafkaSecurity, Logger } from '@marketbill/platform';
import { createKafka } from './kafka';

export interface KafkaCheckOptions {
  brokers: string[];
  clientId: string;
  security?: KafkaSecurity;
  logger: Logger;
  /** Time limit of one connection attempt, TLS and SASL included (default 5000 ms). */
  timeoutMs?: number;
}

/**
 * A check that Kafka answers as our clients will use it: connect (TLS and SASL included) and read
 * the cluster's metadata, once, without kafkajs's own retries (the caller's wait retries). Its
 * client logs nothing: while Kafka is down every attempt would log a connection error; the start-up
 * wait logs one line per attempt instead.
 */
export function createKafkaCheck(options: KafkaCheckOptions): () => Promise<void> {
  const kafka = createKafka({
    brokers: options.brokers,
    clientId: `${options.clientId}-startup-check`,
    logger: options.logger,
    connectionTimeoutMs: options.timeoutMs ?? 5_000,
    ...(options.security ? { security: options.security } : {}),
    retry: { retries: 0 },
    quiet: true,
  });
  return async () => {
    const admin = kafka.admin({ retry: { retries: 0 } });
    try {
      await admin.connect();
      await admin.describeCluster();
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  };
}
