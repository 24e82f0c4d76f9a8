import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@marketbill/platform/config';
import { readConfig } from './config';

const base = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/marketbill',
  KAFKA_BROKERS: '127.0.0.1:9092',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7',
  INTERNAL_API_CALLERS: 'ordering=a-token-of-at-least-16-chars',
  EVENT_SEALING_KEY: 'a-sealing-key-of-at-least-32-characters',
};

function problems(env: Record<string, string>): string[] {
  try {
    readConfig(env);
    return [];
  } catch (error) {
    return error instanceof ConfigError ? error.problems : ['not a config error'];
  }
}

describe('notifier configuration', () => {
  it('When nothing SMS-specific is set, then the log provider is used, the allow-list is empty and links point at marketbill.kr', () => {
    const config = readConfig(base);
    expect(config.sms.provider).toBe('log');
    expect(config.sms.allowList).toEqual(new Set());
    expect(config.sms.logFullText).toBe(true);
    expect(config.publicWebUrl).toBe('https://marketbill.kr');
  });

  it('When SENS is chosen without its keys, then start-up fails naming every missing key', () => {
    expect(problems({ ...base, SMS_PROVIDER: 'sens' })).toEqual([
      'SENS_ACCESS_KEY: required when SMS_PROVIDER=sens',
      'SENS_SECRET_KEY: required when SMS_PROVIDER=sens',
      'SENS_SERVICE_ID: required when SMS_PROVIDER=sens',
      'SENS_FROM: required when SMS_PROVIDER=sens',
    ]);
  });

  it('When the lease is not longer than a request may take, then start-up fails', () => {
    expect(problems({ ...base, SMS_CLAIM_LEASE_MS: '5000', SMS_REQUEST_TIMEOUT_MS: '5000' })).toEqual(['SMS_CLAIM_LEASE_MS: must exceed SMS_REQUEST_TIMEOUT_MS']);
  });

  it('When APP_ENV is production, then there is no allow-list and full texts are never logged', () => {
    const config = readConfig({ ...base, APP_ENV: 'production', SMS_ALLOW_LIST: '01012345678' });
    expect(config.sms.allowList).toBeUndefined();
    expect(config.sms.logFullText).toBe(false);
  });

  it('When APP_ENV is staging, then the allow-list holds the listed numbers', () => {
    const config = readConfig({ ...base, APP_ENV: 'staging', SMS_ALLOW_LIST: '01012345678, 01099998888' });
    expect(config.sms.allowList).toEqual(new Set(['01012345678', '01099998888']));
    expect(config.sms.logFullText).toBe(false);
  });
});
