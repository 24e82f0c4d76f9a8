import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { AppError, createLogger, UnavailableError } from '@marketbill/platform';
import { classifyFailure, createStartupWait, describeFailure } from './startup';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ service: 'startup-test', level: 'info', destination: new Writable({ write: (c, _e, done) => (lines.push(JSON.parse(String(c))), done()) }) });
  return { logger, lines };
}

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifyFailure', () => {
  it('When nothing answers (refused, unknown host, time-out, Postgres starting, registry 503), then it is "unreachable"', () => {
    expect(classifyFailure(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe('unreachable');
    expect(classifyFailure(withCode('getaddrinfo ENOTFOUND postgres', 'ENOTFOUND'))).toBe('unreachable');
    expect(classifyFailure(withCode('the database system is starting up', '57P03'))).toBe('unreachable');
    expect(classifyFailure(UnavailableError.dependency('schema-registry', new Error('GET /subjects → 503')))).toBe('unreachable');
  });

  it('When the dependency answers no (password, pg_hba, TLS trust, SASL, 401, missing bucket), then it is "refused", however deep the cause', () => {
    expect(classifyFailure(withCode('password authentication failed for user "billing"', '28P01'))).toBe('refused');
    expect(classifyFailure(withCode('pg_hba.conf rejects connection', '28000'))).toBe('refused');
    expect(classifyFailure(UnavailableError.dependency('schema-registry', withCode('unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE')))).toBe('refused');
    const sasl = Object.assign(new Error('SASL SCRAM SHA256 authentication failed'), { name: 'KafkaJSSASLAuthenticationError' });
    expect(classifyFailure(new Error('retries exceeded', { cause: sasl }))).toBe('refused');
    expect(classifyFailure(new AppError({ code: 'statement-bucket-missing', message: 'missing', retriable: false }))).toBe('refused');
  });

  it('When the check itself is broken (a TypeError), then it is a bug and never retried', () => {
    expect(classifyFailure(new TypeError("Cannot read properties of undefined (reading 'execute')"))).toBe('bug');
  });
});

describe('describeFailure', () => {
  it('When errors wrap each other, then every message appears once with its code', () => {
    const inner = withCode('connect ECONNREFUSED 127.0.0.1:9092', 'ECONNREFUSED');
    expect(describeFailure(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092', { cause: inner }))).toBe('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    expect(describeFailure(UnavailableError.dependency('s3', withCode('socket hang up', 'ECONNRESET')))).toBe(
      's3 is unavailable; try again later. (s3-unavailable): socket hang up (ECONNRESET)',
    );
  });
});

describe('createStartupWait', () => {
  it('When a dependency fails twice and then answers, then the wait logs two constant lines with fields, then "dependency ready", and readiness follows', async () => {
    const { logger, lines } = capture();
    const wait = createStartupWait({ logger, maxDelayMs: 20, initialDelayMs: 5 });
    let calls = 0;
    const seen: Array<string | undefined> = [];
    await wait.waitFor({
      name: 'postgres',
      check: async () => {
        seen.push(wait.waitingFor());
        calls++;
        if (calls < 3) throw withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED');
      },
    });
    expect(seen).toEqual(['postgres', 'postgres', 'postgres']);
    const waiting = lines.filter((l) => l.msg === 'waiting for a dependency');
    expect(waiting.map((l) => [l.dependency, l.attempt, l.reason])).toEqual([
      ['postgres', 1, 'connect ECONNREFUSED 127.0.0.1:5432'],
      ['postgres', 2, 'connect ECONNREFUSED 127.0.0.1:5432'],
    ]);
    for (const line of waiting) expect(line.retryInMs).toEqual(expect.any(Number));
    expect(lines.find((l) => l.msg === 'dependency ready')).toMatchObject({ dependency: 'postgres', attempts: 3 });
    expect(wait.started()).toBe(false);
    wait.markStarted();
    expect(wait.waitingFor()).toBeUndefined();
  });

  it('When the dependency refuses us, then the line is an error with a hint, and the wait goes on', async () => {
    const { logger, lines } = capture();
    const wait = createStartupWait({ logger, maxDelayMs: 10, initialDelayMs: 5 });
    let calls = 0;
    await wait.waitFor({
      name: 's3',
      check: async () => {
        if (++calls === 1) throw new AppError({ code: 'statement-bucket-missing', message: 'The statement bucket b does not exist', retriable: false });
      },
    });
    expect(lines.find((l) => l.msg === 'a dependency refuses us')).toMatchObject({
      dependency: 's3',
      level: 'error',
      reason: 'The statement bucket b does not exist (statement-bucket-missing)',
      hint: expect.any(String),
    });
  });

  it('When the check has a bug, then the wait throws it at once', async () => {
    const { logger } = capture();
    const wait = createStartupWait({ logger, maxDelayMs: 10 });
    await expect(wait.waitFor({ name: 'kafka', check: async () => void (undefined as unknown as { x: number }).x })).rejects.toBeInstanceOf(TypeError);
  });

  it('When the shutdown aborts the wait, then it stops during the pause', async () => {
    const { logger } = capture();
    const abort = new AbortController();
    const wait = createStartupWait({ logger, maxDelayMs: 60_000, initialDelayMs: 60_000, signal: abort.signal });
    const waiting = wait.waitFor({ name: 'kafka', check: async () => Promise.reject(withCode('refused', 'ECONNREFUSED')) });
    setTimeout(() => abort.abort(new Error('shutting down')), 20);
    await expect(waiting).rejects.toThrow('shutting down');
  });
});
