import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@marketbill/platform/config';
import { readConfig } from './config';

const base = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/marketbill',
  KAFKA_BROKERS: '127.0.0.1:9092',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7',
};

function problems(env: Record<string, string>): string[] {
  try {
    readConfig(env);
    return [];
  } catch (error) {
    return error instanceof ConfigError ? error.problems : [`not a config error: ${String(error)}`];
  }
}

describe('auction-ingest configuration: the auction source', () => {
  it('When no aT key is set outside production, then the synthetic replay serves (the local default)', () => {
    expect(readConfig(base).auction.source).toBe('replay');
    expect(readConfig({ ...base, APP_ENV: 'staging' }).auction.source).toBe('replay');
  });

  it('When production has no aT key and the source is left to auto, then start-up fails naming AT_API_KEY and the way to ask for the replay', () => {
    const found = problems({ ...base, APP_ENV: 'production' });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^AT_API_KEY: AT_API_KEY is required in production/);
    expect(found[0]).toMatch(/AUCTION_SOURCE=replay/);
  });

  it('When production asks for the replay by name, then it is served', () => {
    expect(readConfig({ ...base, APP_ENV: 'production', AUCTION_SOURCE: 'replay' }).auction.source).toBe('replay');
  });

  it('When production has an aT key, then the live aT API is the source', () => {
    const config = readConfig({ ...base, APP_ENV: 'production', AT_API_KEY: 'key-from-a-secret' });
    expect(config.auction.source).toBe('at-api');
    expect(config.auction.apiKey).toBe('key-from-a-secret');
  });

  it('When at-api is asked for without a key, then start-up fails in any environment', () => {
    expect(problems({ ...base, AUCTION_SOURCE: 'at-api' })).toEqual(['AT_API_KEY: AT_API_KEY is required when AUCTION_SOURCE=at-api']);
  });
});
