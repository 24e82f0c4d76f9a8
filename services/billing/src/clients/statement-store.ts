import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { AppError, UnavailableError } from '@marketbill/platform';

export interface StatementStoreOptions {
  endpoint: string | undefined;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  forcePathStyle: boolean;
  bucket: string;
  /** Endpoint written into presigned URLs; defaults to `endpoint`. */
  presignEndpoint?: string | undefined;
  downloadTtlSeconds: number;
}

export interface StoredObject {
  bucket: string;
  key: string;
}

/**
 * What the start-up check learnt of the bucket: it exists, it was just created, or S3 answered 403
 * to HeadBucket — the bucket exists but this identity may not list it (a policy granting only
 * object reads and writes, common for workload roles). Uploads will tell.
 */
export type BucketCheck = 'exists' | 'created' | 'unverified';

/** The bucket cannot be used as configured; waiting alone will not help (the start-up wait logs it as such). */
export class StatementBucketError extends AppError {
  static missing(bucket: string): StatementBucketError {
    return new StatementBucketError({
      code: 'statement-bucket-missing',
      message: `The statement bucket ${bucket} does not exist: create it, or set S3_CREATE_BUCKET=true to let billing create it`,
      retriable: false,
    });
  }

  static refused(bucket: string, status: number | undefined, cause: unknown): StatementBucketError {
    return new StatementBucketError({
      code: 'statement-bucket-unusable',
      message: `S3 answered ${status ?? 'an error'} when checking the statement bucket ${bucket} (wrong region or endpoint?)`,
      retriable: false,
      cause,
    });
  }
}

/** Where statement PDFs live (S3): the use cases see only this. */
export interface StatementStore {
  bucket: string;
  /**
   * The start-up check (HeadBucket): throws {@link StatementBucketError} when the bucket is missing
   * and `create` is false, or S3 refuses otherwise; UnavailableError while S3 cannot be reached.
   */
  checkBucket(options: { create: boolean }): Promise<BucketCheck>;
  /** Stores the PDF under `key` (keys are never shared between statements). */
  put(key: string, pdf: Uint8Array, metadata: Record<string, string>): Promise<StoredObject>;
  /** A short-lived GET URL; `fileName` is what the browser saves it as. */
  presignDownload(key: string, fileName: string): Promise<{ url: string; expiresAt: Date }>;
  /** Reads an object back (tests and operators). */
  get(key: string): Promise<Uint8Array>;
}

/** A failure of the store becomes a retriable 503: the caller retries, nothing was issued. */
function unavailable(error: unknown): UnavailableError {
  return UnavailableError.dependency('statement-storage', error);
}

/** Content-Disposition with the Korean file name encoded per RFC 6266/5987, and an ASCII fallback. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * The S3 statement store (`@aws-sdk/client-s3`). Presigned URLs are signed with a second client
 * when clients reach S3 by another address (S3_PRESIGN_ENDPOINT): signing is local, so that
 * client never opens a connection.
 */
export function createStatementStore(options: StatementStoreOptions): StatementStore {
  const base: S3ClientConfig = {
    region: options.region,
    forcePathStyle: options.forcePathStyle,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    // One retry at most: the issue request is waiting, and the whole issue can be retried safely.
    maxAttempts: 2,
  };
  const client = new S3Client({ ...base, ...(options.endpoint ? { endpoint: options.endpoint } : {}) });
  const presignEndpoint = options.presignEndpoint ?? options.endpoint;
  const signer = options.presignEndpoint ? new S3Client({ ...base, ...(presignEndpoint ? { endpoint: presignEndpoint } : {}) }) : client;
  const bucket = options.bucket;

  return {
    bucket,
    async checkBucket({ create }) {
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }));
        return 'exists';
      } catch (error) {
        const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
        if (status === 403) return 'unverified';
        if (status === undefined || status >= 500) throw unavailable(error);
        if (status !== 404) throw StatementBucketError.refused(bucket, status, error);
        if (!create) throw StatementBucketError.missing(bucket);
      }
      try {
        await client.send(new CreateBucketCommand({ Bucket: bucket }));
      } catch (error) {
        // Two replicas starting together: the loser finds the bucket made, which is what it wanted.
        const name = error instanceof S3ServiceException ? error.name : '';
        if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw unavailable(error);
      }
      return 'created';
    },
    async put(key, pdf, metadata) {
      try {
        await client.send(
          new PutObjectCommand({ Bucket: bucket, Key: key, Body: pdf, ContentType: 'application/pdf', ContentLength: pdf.byteLength, Metadata: metadata }),
        );
      } catch (error) {
        throw unavailable(error);
      }
      return { bucket, key };
    },
    async presignDownload(key, fileName) {
      const expiresIn = options.downloadTtlSeconds;
      const url = await getSignedUrl(
        signer,
        new GetObjectCommand({ Bucket: bucket, Key: key, ResponseContentDisposition: contentDisposition(fileName), ResponseContentType: 'application/pdf' }),
        { expiresIn },
      );
      return { url, expiresAt: new Date(Date.now() + expiresIn * 1000) };
    },
    async get(key) {
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!response.Body) throw new Error(`empty body for ${key}`);
        return await response.Body.transformToByteArray();
      } catch (error) {
        throw unavailable(error);
      }
    },
  };
}
