import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { createLogger, maskPhone } from './logger';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, destination };
}

describe('logger', () => {
  it('When a line carries secrets, then they are redacted and the rest is kept', () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: 'test', destination });
    log.info({ password: 'hunter2hunter2', user: { refreshToken: 'abc', name: '김꽃님' }, errorCode: 'x' }, 'signed in');
    expect(lines[0]).toMatchObject({ service: 'test', level: 'info', msg: 'signed in', password: '[redacted]', errorCode: 'x' });
    expect(lines[0]?.user).toEqual({ refreshToken: '[redacted]', name: '김꽃님' });
  });

  it('When a phone number is masked, then only the prefix and the last four digits remain', () => {
    expect(maskPhone('010-1234-5678')).toBe('010****5678');
    expect(maskPhone('01012345678')).toBe('010****5678');
    expect(maskPhone('12')).toBe('***');
  });
});
