import { describe, expect, it } from '@jest/globals';
import { readConfig } from './config';

const base = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/marketbill',
  KAFKA_BROKERS: '127.0.0.1:9092',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7',
  INTERNAL_API_TOKEN: 'a-token-of-at-least-16-chars',
};

describe('billing configuration: the statement bucket', () => {
  it('When S3_CREATE_BUCKET is unset, then billing creates a missing bucket outside production and never in production', () => {
    expect(readConfig(base).s3.createBucket).toBe(true);
    expect(readConfig({ ...base, APP_ENV: 'staging' }).s3.createBucket).toBe(true);
    expect(readConfig({ ...base, APP_ENV: 'production' }).s3.createBucket).toBe(false);
  });

  it('When S3_CREATE_BUCKET is set, then it wins in every environment', () => {
    expect(readConfig({ ...base, APP_ENV: 'production', S3_CREATE_BUCKET: 'true' }).s3.createBucket).toBe(true);
    expect(readConfig({ ...base, S3_CREATE_BUCKET: 'false' }).s3.createBucket).toBe(false);
  });
});
