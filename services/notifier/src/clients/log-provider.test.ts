import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { createLogger } from '@marketbill/platform';
import { createLogProvider } from './log-provider';
import type { OutgoingSms } from './sms-provider';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ service: 'notifier', destination }) };
}

const sms: OutgoingSms = {
  deliveryId: 'd-1',
  template: 'verification-code',
  to: '01012345678',
  type: 'SMS',
  subject: null,
  text: '[마켓빌] 회원가입 인증번호는 482913입니다. 5분 안에 입력해 주세요.',
  storedText: '[마켓빌] 회원가입 인증번호는 ******입니다. 5분 안에 입력해 주세요.',
};

describe('log provider', () => {
  it('When a message is written outside local demos, then one JSON line holds the masked number and the masked text', async () => {
    const { lines, logger } = capture();
    const result = await createLogProvider({ logger, fullText: false, ratePerSecond: 100 }).send(sms);
    expect(result).toMatchObject({ outcome: 'ACCEPTED', providerStatus: 'LOGGED', httpStatus: null });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'sms written to the log', provider: 'log', to: '010****5678', text: sms.storedText, template: 'verification-code' });
    expect(JSON.stringify(lines)).not.toContain('482913');
    expect(JSON.stringify(lines)).not.toContain('01012345678');
  });

  it('When APP_ENV=local asks for full texts, then the line shows the code so a demo can sign up, still with the number masked', async () => {
    const { lines, logger } = capture();
    await createLogProvider({ logger, fullText: true, ratePerSecond: 100 }).send(sms);
    expect(lines[0]).toMatchObject({ to: '010****5678', text: sms.text });
  });
});
