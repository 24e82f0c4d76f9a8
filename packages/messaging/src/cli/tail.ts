#!/usr/bin/env node
/**
 * mb-tail — prints any topic as JSON lines, decoded from Avro, for operators and analysts.
 *
 *   npm run tail -- order.placed                 new messages from now on
 *   npm run tail -- order.placed --from-beginning --max 10
 *   npm run tail -- order.placed --dlq           the dead letters, with the reason headers
 *
 * Reads KAFKA_BROKERS and SCHEMA_REGISTRY_URL (and KAFKA_TOPIC_PREFIX) from the environment, or
 * from .stack/env when the local stack runs. It joins a throw-away consumer group and commits
 * nothing, so it never moves a service's offsets.
 */
import { randomUUID } from 'node:crypto';
import { isTopicName, TOPIC_NAMES, TOPICS, type TopicEvents } from '@marketbill/schemas';
import { createLogger } from '@marketbill/platform';
import { createEventCodec } from '../codec';
import { createKafka } from '../kafka';
import { createRegistryClient } from '../registry';
import { bindTopics } from '../topic-catalog';
import { createTopicNaming } from '../topic-naming';
import { headersToCarrier } from '../tracing';
import { findStackEnv, readCliEnv } from './config';

interface Args {
  topic: string;
  fromBeginning: boolean;
  dlq: boolean;
  max: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { topic: '', fromBeginning: false, dlq: false, max: Infinity };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--from-beginning') args.fromBeginning = true;
    else if (a === '--dlq') args.dlq = true;
    else if (a === '--max') args.max = Number(argv[++i]);
    else if (!a.startsWith('-')) args.topic = a;
    else throw new Error(`unknown option ${a}`);
  }
  if (!isTopicName(args.topic)) {
    throw new Error(`usage: mb-tail <topic> [--from-beginning] [--dlq] [--max N]\ntopics: ${TOPIC_NAMES.join(', ')}`);
  }
  if (!(args.max > 0)) throw new Error('--max needs a positive number');
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const env = readCliEnv(findStackEnv());
  const logger = createLogger({ service: 'mb-tail', level: 'warn', destination: process.stderr });
  // A tool of the whole system: it reads every topic of the published catalogue.
  const naming = createTopicNaming(bindTopics<TopicEvents>(TOPICS), env.topicPrefix);
  const codec = createEventCodec(createRegistryClient(env.schemaRegistry), naming);
  const kafka = createKafka({ brokers: env.kafkaBrokers, clientId: 'mb-tail', logger, security: env.kafkaSecurity });
  const topic = isTopicName(args.topic) ? args.topic : (undefined as never);
  const physical = args.dlq ? naming.deadLetter(topic) : naming.topic(topic);
  const groupId = `mb-tail-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId });
  let seen = 0;
  const finish = async (code: number) => {
    await consumer.disconnect().catch(() => undefined);
    const admin = kafka.admin();
    await admin.connect().then(() => admin.deleteGroups([groupId])).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    process.exit(code);
  };
  process.once('SIGINT', () => void finish(0));
  process.once('SIGTERM', () => void finish(0));
  await consumer.connect();
  await consumer.subscribe({ topic: physical, fromBeginning: args.fromBeginning });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      let value: unknown;
      try {
        value = message.value ? await codec.decode(topic, message.value) : null;
      } catch (error) {
        value = { undecodable: (error as Error).message, base64: message.value?.toString('base64') };
      }
      process.stdout.write(
        `${JSON.stringify({
          topic: physical,
          partition,
          offset: message.offset,
          timestamp: new Date(Number(message.timestamp)).toISOString(),
          key: message.key?.toString() ?? null,
          headers: headersToCarrier(message.headers),
          value,
        })}\n`,
      );
      if (++seen >= args.max) void finish(0);
    },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
