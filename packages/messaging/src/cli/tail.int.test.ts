import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it, jest } from '@jest/globals';
import { createLogger } from '@marketbill/platform';
import { type TopicEvents, TOPICS } from '@marketbill/schemas';
import { secureStack, stackEnv, uniqueTopicPrefix } from '@marketbill/testing';
import { createEventCodec } from '../codec';
import { createKafka, createProducer } from '../kafka';
import { createRegistryClient } from '../registry';
import { bindTopics } from '../topic-catalog';
import { createTopicNaming } from '../topic-naming';
import { ensureTopics } from '../topics';

const topics = bindTopics<TopicEvents>(TOPICS);

jest.setTimeout(90_000);
const env = stackEnv();

function runTail(args: string[], extraEnv: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // The built CLI, as operators run it (`npm test` builds before Jest runs).
  const cli = join(__dirname, '..', '..', 'dist', 'cli', 'tail.js');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', cli, ...args], { env: { ...process.env, ...env, ...extraEnv } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('mb-tail', () => {
  it('When a topic holds Avro events and a dead letter, then the CLI prints them as decoded JSON lines', async () => {
    const prefix = uniqueTopicPrefix();
    const naming = createTopicNaming(topics, prefix);
    const logger = createLogger({ service: 'tail-test', level: 'silent' });
    const kafka = createKafka({ brokers: env.KAFKA_BROKERS.split(','), clientId: 'tail-test', logger });
    await ensureTopics(kafka, naming, ['connection.requested']);
    const codec = createEventCodec(createRegistryClient(env.SCHEMA_REGISTRY_URL), naming);
    const producer = createProducer(kafka);
    await producer.connect();
    const event = {
      eventId: randomUUID(),
      occurredAt: 1_764_050_000_000,
      connectionId: randomUUID(),
      retailer: { id: randomUUID(), name: '꽃담플라워', phone: null, sealedPhone: 's1.opaque-retailer' },
      wholesaler: { id: randomUUID(), name: '양재꽃상회', phone: null, sealedPhone: 's1.opaque-wholesaler' },
    };
    const value = await codec.encode('connection.requested', event);
    await producer.send({ topic: naming.topic('connection.requested'), messages: [{ key: event.connectionId, value, headers: { 'event-id': event.eventId } }] });
    await producer.send({
      topic: naming.deadLetter('connection.requested'),
      messages: [{ key: 'k', value: Buffer.from('garbage'), headers: { 'dlq-reason': 'could not decode', 'dlq-error-code': 'undecodable-message' } }],
    });
    await producer.disconnect();

    const live = await runTail(['connection.requested', '--from-beginning', '--max', '1'], { KAFKA_TOPIC_PREFIX: prefix });
    expect(live.code).toBe(0);
    const line = JSON.parse(live.stdout.trim().split('\n')[0] as string);
    expect(line).toMatchObject({ topic: `${prefix}connection.requested`, key: event.connectionId, headers: { 'event-id': event.eventId } });
    expect(line.value).toEqual(event);

    const dead = await runTail(['connection.requested', '--dlq', '--from-beginning', '--max', '1'], { KAFKA_TOPIC_PREFIX: prefix });
    expect(dead.code).toBe(0);
    const deadLine = JSON.parse(dead.stdout.trim());
    expect(deadLine.headers).toMatchObject({ 'dlq-reason': 'could not decode', 'dlq-error-code': 'undecodable-message' });
    expect(deadLine.value.undecodable).toEqual(expect.any(String));
    expect(Object.keys(TOPICS)).toContain('connection.requested');
  });

  const secure = secureStack();
  (secure.stack ? it : it.skip)('When KAFKA_SSL and SASL settings are in the environment, then it reads through a SASL_SSL listener', async () => {
    const stack = secure.stack as NonNullable<typeof secure.stack>;
    const prefix = uniqueTopicPrefix();
    const naming = createTopicNaming(topics, prefix);
    const logger = createLogger({ service: 'tail-test', level: 'silent' });
    const kafka = createKafka({ brokers: env.KAFKA_BROKERS.split(','), clientId: 'tail-test', logger });
    await ensureTopics(kafka, naming, ['connection.requested']);
    const producer = createProducer(kafka);
    await producer.connect();
    await producer.send({ topic: naming.deadLetter('connection.requested'), messages: [{ key: 'k', value: Buffer.from('x'), headers: { 'dlq-reason': 'over TLS' } }] });
    await producer.disconnect();

    const result = await runTail(['connection.requested', '--dlq', '--from-beginning', '--max', '1'], {
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_BROKERS: stack.kafka.saslSslBrokers,
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: stack.caFile,
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_SASL_USERNAME: stack.kafka.username,
      KAFKA_SASL_PASSWORD: stack.kafka.password,
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.trim()).headers).toMatchObject({ 'dlq-reason': 'over TLS' });
    expect(`${result.stdout}${result.stderr}`).not.toContain(stack.kafka.password);
  });

  it('When the topic is unknown, then it exits 1 and lists the topics', async () => {
    const result = await runTail(['no.such.topic'], {});
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('order.placed');
  });
});
