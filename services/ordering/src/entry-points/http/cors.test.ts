import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@marketbill/platform/config';
import { readConfig } from '../../config';
import { isSerialisedOrigin } from './cors';

const required = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/marketbill',
  KAFKA_BROKERS: '127.0.0.1:9092',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7',
  ACCESS_TOKEN_SECRET: 'x'.repeat(32),
  INTERNAL_API_TOKEN: 'y'.repeat(16),
};

describe('CORS origins in configuration', () => {
  it('When an origin is written as browsers send it, then it is accepted', () => {
    for (const origin of ['http://localhost:3000', 'http://127.0.0.1:3000', 'https://marketbill.kr', 'https://www.marketbill.kr:8443', 'http://[::1]:3000']) {
      expect(isSerialisedOrigin(origin)).toBe(true);
    }
  });

  it('When an origin is written any other way, then it is refused (it could never match an Origin header)', () => {
    for (const origin of ['*', 'null', 'localhost:3000', 'http://localhost:3000/', 'https://marketbill.kr/app', 'https://MarketBill.kr', 'https://marketbill.kr:443', 'ftp://marketbill.kr', 'http://*.marketbill.kr']) {
      expect(isSerialisedOrigin(origin)).toBe(false);
    }
  });

  it('When CORS_ALLOWED_ORIGINS lists origins, then the config holds them; unset means none', () => {
    expect(readConfig({ ...required, CORS_ALLOWED_ORIGINS: 'http://localhost:3000, https://marketbill.kr' }).cors.allowedOrigins).toEqual(['http://localhost:3000', 'https://marketbill.kr']);
    expect(readConfig(required).cors.allowedOrigins).toEqual([]);
  });

  it('When CORS_ALLOWED_ORIGINS holds a wildcard or a URL with a path, then the service refuses to start and names the key', () => {
    for (const value of ['*', 'https://marketbill.kr/']) {
      expect(() => readConfig({ ...required, CORS_ALLOWED_ORIGINS: value })).toThrow(ConfigError);
      expect(() => readConfig({ ...required, CORS_ALLOWED_ORIGINS: value })).toThrow(/CORS_ALLOWED_ORIGINS/);
    }
  });
});
