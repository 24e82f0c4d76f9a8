import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { query, waitFor } from '@marketbill/testing';
import { startNotifier, type NotifierHarness } from './testing/notifier-harness';
import { verificationRequested } from './testing/sample-events';

jest.setTimeout(60_000);

let h: NotifierHarness;
const lines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  // As `npm run up` runs it: the embedded log provider, APP_ENV=local.
  h = await startNotifier({ env: { APP_ENV: 'local', LOG_LEVEL: 'info', SMS_ALLOW_LIST: '' }, logDestination: destination });
});

afterAll(async () => {
  await h?.stop();
});

describe('notifier with the embedded log provider (local demo)', () => {
  it('When a sign-up code is requested, then the message is a JSON log line with the code readable and the number masked, and the delivery is SENT by "log"', async () => {
    const event = verificationRequested('01055551234', '314159');
    await h.produce('account.verification.requested', event.verificationId, event);
    const [row] = await waitFor(async () => {
      const rows = await query<{ status: string; provider: string; provider_status: string; message_text: string; secret_text: string | null }>(
        h.databaseUrl,
        `select status, provider, provider_status, message_text, secret_text from "${h.schema}".delivery where event_id = $1`,
        [event.eventId],
      );
      return rows[0]?.status === 'SENT' ? rows : undefined;
    });
    // Not on an (empty) allow-list, yet sent: the log provider reaches no phone, so nothing is held back.
    expect(row).toEqual({ status: 'SENT', provider: 'log', provider_status: 'LOGGED', message_text: '[마켓빌] 회원가입 인증번호는 ******입니다. 5분 안에 입력해 주세요.', secret_text: null });
    const line = await waitFor(() => lines.find((l) => l.msg === 'sms written to the log'));
    expect(line).toMatchObject({ provider: 'log', to: '010****1234', type: 'SMS', template: 'verification-code', text: '[마켓빌] 회원가입 인증번호는 314159입니다. 5분 안에 입력해 주세요.' });
    const elsewhere = lines.filter((l) => l !== line);
    expect(JSON.stringify(elsewhere)).not.toContain('314159');
    expect(JSON.stringify(lines)).not.toContain('01055551234');
  });
});
