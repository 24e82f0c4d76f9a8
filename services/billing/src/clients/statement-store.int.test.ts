import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UnavailableError } from '@marketbill/platform';
import { stackEnv, uniqueName } from '@marketbill/testing';
import { startFaultyS3Proxy, type FaultyS3Proxy } from '../testing/faulty-s3-proxy';
import { createStatementStore, StatementBucketError, type StatementStoreOptions } from './statement-store';

// The start-up check of the statement bucket against the stack's S3Proxy (and, for the 403 of an
// identity without s3:ListBucket, a proxy in front of it that refuses HeadBucket only).
const env = stackEnv();

function options(bucket: string, endpoint = env.S3_ENDPOINT, secretAccessKey = env.S3_SECRET_ACCESS_KEY): StatementStoreOptions {
  return {
    endpoint,
    region: env.S3_REGION,
    credentials: { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey },
    forcePathStyle: true,
    bucket,
    downloadTtlSeconds: 60,
  };
}

const bucketName = () => uniqueName('store').replace(/_/g, '-').toLowerCase();

describe('statement bucket check at start', () => {
  let proxy: FaultyS3Proxy;

  beforeAll(async () => {
    proxy = await startFaultyS3Proxy(env.S3_ENDPOINT);
  });

  afterAll(async () => {
    await proxy.close();
  });

  it('When the bucket is missing and may not be created, then the check names the bucket and the setting, and is not retriable', async () => {
    const bucket = bucketName();
    const error = await createStatementStore(options(bucket)).checkBucket({ create: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StatementBucketError);
    expect(error).toMatchObject({ code: 'statement-bucket-missing', retriable: false, message: expect.stringContaining(bucket) });
  });

  it('When the bucket is missing and may be created, then it is created once and found afterwards', async () => {
    const store = createStatementStore(options(bucketName()));
    expect(await store.checkBucket({ create: true })).toBe('created');
    expect(await store.checkBucket({ create: false })).toBe('exists');
  });

  it('When HeadBucket is refused (403) but objects are allowed, then the check passes as unverified and uploads work', async () => {
    const bucket = bucketName();
    await createStatementStore(options(bucket)).checkBucket({ create: true });
    proxy.mode = 'deny-bucket-checks';
    try {
      const store = createStatementStore(options(bucket, proxy.url));
      expect(await store.checkBucket({ create: false })).toBe('unverified');
      const pdf = new TextEncoder().encode('%PDF-1.7 statement');
      await store.put('2026/12/statement.pdf', pdf, { statement: 'x' });
      expect(Buffer.from(await store.get('2026/12/statement.pdf')).toString()).toBe('%PDF-1.7 statement');
    } finally {
      proxy.mode = 'pass';
    }
  });

  it('When the credentials are wrong, then S3 answers 403 to the check too, which is not fatal (uploads will fail and say so)', async () => {
    const store = createStatementStore(options(bucketName(), env.S3_ENDPOINT, 'not-the-secret'));
    expect(await store.checkBucket({ create: true })).toBe('unverified');
    await expect(store.put('k.pdf', new Uint8Array([1]), {})).rejects.toBeInstanceOf(UnavailableError);
  });

  it('When nothing listens at the endpoint, then the check says S3 is unavailable (retriable)', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = probe.address() as { port: number };
        probe.close(() => resolve(p));
      });
    });
    const error = await createStatementStore(options(bucketName(), `http://127.0.0.1:${port}`)).checkBucket({ create: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error).toMatchObject({ retriable: true });
  });
});
