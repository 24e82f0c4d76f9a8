#!/usr/bin/env node
/**
 * mb-dlq — lists, shows and replays the dead letters of a topic.
 *
 *   npm run dlq -- list order.placed                      every dead letter: where, when, which group, why
 *   npm run dlq -- show order.placed --id <event id>      its headers and the decoded event
 *   npm run dlq -- replay order.placed --id <event id> [--id …] [--dry-run]
 *   npm run dlq -- replay order.placed --all [--group billing] [--dry-run]
 *
 * In a container image: `node packages/messaging/dist/cli/dlq.js list order.placed`.
 *
 * Replay puts a dead letter back on its topic with the same key and bytes (so the same event id):
 * groups that processed the event skip it (their inbox has its id), the group that failed it
 * processes it. Use it once the cause is fixed — a handler bug deployed, a producer corrected, a
 * schema registered. A dead letter that is still poison is dead-lettered again. Replaying twice is
 * harmless. `--id` takes an event id or the dead letter's `partition:offset` (from `list`).
 *
 * Reads KAFKA_BROKERS, SCHEMA_REGISTRY_URL and KAFKA_TOPIC_PREFIX from the environment, or from
 * .stack/env when the local stack runs.
 */
import { createLogger } from '@marketbill/platform';
import { isTopicName, TOPIC_NAMES, TOPICS, type TopicEvents, type TopicName } from '@marketbill/schemas';
import { createEventCodec } from '../codec';
import { readDeadLetters, replayDeadLetters, type DeadLetterMessage } from '../dead-letters';
import { createKafka, createProducer } from '../kafka';
import { createRegistryClient } from '../registry';
import { bindTopics } from '../topic-catalog';
import { createTopicNaming } from '../topic-naming';
import { findStackEnv, readCliEnv } from './config';

const USAGE = `usage: mb-dlq <list|show|replay> <topic> [options]

  list <topic> [--group G] [--json]        every dead letter of <topic>, oldest first
  show <topic> --id ID [--id ID …]         headers and decoded event of the named dead letters
  replay <topic> (--id ID [--id ID …] | --all) [--group G] [--dry-run]
                                           put them back on <topic>: same key, same event id;
                                           consumers that processed the event skip it

  ID is an event id, or a dead letter's partition:offset as list prints it.
  --group G keeps the dead letters written by consumer group G only.

topics: ${TOPIC_NAMES.join(', ')}`;

interface Args {
  command: 'list' | 'show' | 'replay';
  topic: TopicName;
  ids: string[];
  all: boolean;
  group: string | undefined;
  dryRun: boolean;
  json: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Args {
  const [command, topic, ...rest] = argv;
  if (command !== 'list' && command !== 'show' && command !== 'replay') throw new UsageError(command ? `unknown command ${command}` : 'a command is needed');
  if (!isTopicName(topic ?? '')) throw new UsageError(topic ? `unknown topic ${topic}` : 'a topic is needed');
  const args: Args = { command, topic: topic as TopicName, ids: [], all: false, group: undefined, dryRun: false, json: false };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    if (a === '--id') {
      const id = rest[++i];
      if (!id) throw new UsageError('--id needs a value');
      args.ids.push(id);
    } else if (a === '--all') args.all = true;
    else if (a === '--group') args.group = rest[++i];
    else if (a === '--dry-run') args.dryRun = true;
    else if (a === '--json') args.json = true;
    else throw new UsageError(`unknown option ${a}`);
  }
  if (command === 'show' && args.ids.length === 0) throw new UsageError('show needs --id');
  if (command === 'replay' && args.all === (args.ids.length > 0)) throw new UsageError('replay needs either --id … or --all');
  return args;
}

function short(text: string | undefined, width: number): string {
  const t = (text ?? '').replace(/\s+/g, ' ');
  return t.length > width ? `${t.slice(0, width - 1)}…` : t;
}

function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')).join('\n');
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`mb-dlq: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  const env = readCliEnv(findStackEnv());
  const logger = createLogger({ service: 'mb-dlq', level: 'warn', destination: process.stderr });
  // A tool of the whole system: it reads every topic of the published catalogue.
  const naming = createTopicNaming(bindTopics<TopicEvents>(TOPICS), env.topicPrefix);
  const kafka = createKafka({ brokers: env.kafkaBrokers, clientId: 'mb-dlq', logger });
  const dlqTopic = naming.deadLetter(args.topic);
  const target = naming.topic(args.topic);

  let letters = await readDeadLetters(kafka, dlqTopic);
  if (args.group) letters = letters.filter((l) => l.group === args.group);
  if (args.ids.length > 0) {
    const wanted = new Set(args.ids);
    const found = letters.filter((l) => wanted.has(l.position) || (l.eventId !== undefined && wanted.has(l.eventId)));
    const missing = args.ids.filter((id) => !found.some((l) => l.position === id || l.eventId === id));
    if (missing.length > 0) {
      process.stderr.write(`mb-dlq: not in ${dlqTopic}: ${missing.join(', ')}\n`);
      return 1;
    }
    letters = found;
  }

  if (args.command === 'list') {
    if (args.json) {
      for (const l of letters) process.stdout.write(`${JSON.stringify(describe(l))}\n`);
    } else if (letters.length === 0) {
      process.stdout.write(`${dlqTopic}: no dead letters${args.group ? ` of group ${args.group}` : ''}\n`);
    } else {
      const rows = [['POSITION', 'FAILED AT', 'GROUP', 'CODE', 'EVENT ID', 'KEY', 'REASON']];
      for (const l of letters) rows.push([l.position, l.failedAt ?? l.timestamp, l.group ?? '-', l.errorCode ?? '-', l.eventId ?? '-', short(l.key ?? '-', 36), short(l.reason, 100)]);
      process.stdout.write(`${table(rows)}\n${letters.length} dead letter(s) in ${dlqTopic}\n`);
    }
    return 0;
  }

  if (args.command === 'show') {
    const codec = createEventCodec(createRegistryClient(env.schemaRegistryUrl), naming);
    for (const l of letters) {
      let value: unknown;
      try {
        value = l.value ? await codec.decode(args.topic, l.value) : null;
      } catch (error) {
        value = { undecodable: error instanceof Error ? error.message : String(error), base64: l.value?.toString('base64') };
      }
      process.stdout.write(`${JSON.stringify({ ...describe(l), headers: l.headers, value }, null, 2)}\n`);
    }
    return 0;
  }

  // replay
  if (letters.length === 0) {
    process.stdout.write(`${dlqTopic}: nothing to replay\n`);
    return 0;
  }
  let sent: DeadLetterMessage[];
  if (args.dryRun) {
    const ids = new Set<string>();
    sent = letters.filter((l) => !ids.has(l.eventId ?? l.position) && ids.add(l.eventId ?? l.position));
  } else {
    const producer = createProducer(kafka);
    await producer.connect();
    try {
      sent = await replayDeadLetters(producer, target, dlqTopic, letters);
    } finally {
      await producer.disconnect();
    }
  }
  for (const l of sent) {
    process.stdout.write(
      `${args.dryRun ? 'would replay' : 'replayed'} ${l.eventId ?? '(no event id)'} key=${l.key ?? '-'} from ${dlqTopic} ${l.position} to ${target} — was ${l.errorCode ?? '?'} in ${l.group ?? '?'}: ${short(l.reason, 200)}\n`,
    );
  }
  const repeats = letters.length > sent.length ? ` (${letters.length - sent.length} repeat(s) of the same event skipped)` : '';
  process.stdout.write(`${sent.length} event(s) ${args.dryRun ? 'would be put' : 'put'} back on ${target}${repeats}\n`);
  return 0;
}

function describe(l: DeadLetterMessage) {
  return {
    position: l.position,
    eventId: l.eventId ?? null,
    key: l.key,
    group: l.group ?? null,
    errorCode: l.errorCode ?? null,
    reason: l.reason ?? null,
    failedAt: l.failedAt ?? l.timestamp,
    originalTopic: l.headers['dlq-original-topic'] ?? null,
    originalPosition: l.headers['dlq-original-partition'] ? `${l.headers['dlq-original-partition']}:${l.headers['dlq-original-offset']}` : null,
    attempts: l.headers['dlq-attempts'] ? Number(l.headers['dlq-attempts']) : null,
  };
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    process.stderr.write(`mb-dlq: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
