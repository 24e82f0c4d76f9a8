import { describe, expect, it } from '@jest/globals';
import { createLogger, maskPhone, withoutSecrets } from './logger';
import { logLines as capture } from './testing/log-lines';

describe('logger', () => {
  it('When a line carries secrets, then they are redacted and the rest is kept', () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: 'test', destination });
    log.info({ password: 'hunter2hunter2', user: { refreshToken: 'abc', name: '김꽃님' }, errorCode: 'x' }, 'signed in');
    expect(lines[0]).toMatchObject({ service: 'test', level: 'info', msg: 'signed in', password: '[redacted]', errorCode: 'x' });
    expect(lines[0]?.user).toEqual({ refreshToken: '[redacted]', name: '김꽃님' });
  });

  it('When secrets sit two levels down, in arrays, in child bindings or on an error, then each is redacted and the caller keeps its objects', () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: 'test', destination }).child({ component: 'c', auth: { accessToken: 'bound' } }).child({ cookie: 'grandchild' });
    const fields = {
      req: { headers: { authorization: 'Bearer abc', accept: 'application/json' } },
      items: [{ verificationCode: '123456', n: 1 }],
      deep: { a: { b: { token: 'three levels down stays' } } },
      at: new Date('2026-12-03T00:00:00Z'),
    };
    log.warn(fields, 'checked');
    const error = Object.assign(new Error('refused'), { secretKey: 'k', detail: { cookie: 'c=1' } });
    log.error({ err: error, orderId: 'o-1', password: 'p' }, 'failed');
    log.error(error);

    expect(lines[0]).toMatchObject({ service: 'test', component: 'c', auth: { accessToken: '[redacted]' }, cookie: '[redacted]' });
    expect(lines[0]?.req).toEqual({ headers: { authorization: '[redacted]', accept: 'application/json' } });
    expect(lines[0]?.items).toEqual([{ verificationCode: '[redacted]', n: 1 }]);
    // The same depth as before: a line's keys and two levels below them.
    expect(lines[0]?.deep).toEqual({ a: { b: { token: 'three levels down stays' } } });
    expect(lines[0]?.at).toBe('2026-12-03T00:00:00.000Z');
    expect(fields.req.headers.authorization).toBe('Bearer abc');
    expect(fields.items[0]?.verificationCode).toBe('123456');
    for (const line of [lines[1], lines[2]]) {
      expect(line?.err).toMatchObject({ type: 'Error', message: 'refused', secretKey: '[redacted]', detail: { cookie: '[redacted]' } });
      expect(String((line?.err as { stack?: string }).stack)).toContain('refused');
    }
    expect(lines[1]).toMatchObject({ orderId: 'o-1', password: '[redacted]' });
    expect(error.secretKey).toBe('k');
  });

  it('When a line holds no secret, then redaction answers the very same objects (nothing is copied)', () => {
    const line = { requestId: 'r', method: 'GET', status: 200, nested: { a: [1, { b: 2 }] } };
    expect(withoutSecrets(line, 2)).toBe(line);
    const hidden = withoutSecrets({ ...line, nested: { a: line.nested.a, token: 't' } }, 2);
    expect(hidden.nested).toEqual({ a: [1, { b: 2 }], token: '[redacted]' });
    expect(hidden.nested.a).toBe(line.nested.a);
  });

  it('When a phone number is masked, then only the prefix and the last four digits remain', () => {
    expect(maskPhone('010-1234-5678')).toBe('010****5678');
    expect(maskPhone('01012345678')).toBe('010****5678');
    expect(maskPhone('12')).toBe('***');
  });
});
