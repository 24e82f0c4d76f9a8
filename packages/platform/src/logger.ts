import { trace } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** The service name: the `service` field of every line. */
  service: string;
  level?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to read them back. */
  destination?: pino.DestinationStream;
}

/**
 * Keys whose values never reach a log line, wherever they appear (one or two levels deep).
 * Phone numbers are masked by the code that logs them (they are useful in part), not here.
 */
const SECRET_KEYS = [
  'password',
  'newPassword',
  'currentPassword',
  'passwordHash',
  'token',
  'accessToken',
  'refreshToken',
  'authorization',
  'cookie',
  'secret',
  'secretKey',
  'serviceKey',
  'accessKey',
  'verificationCode',
];

const SECRETS = new Set(SECRET_KEYS);
const CENSOR = '[redacted]';

/**
 * `value` with the value of every secret key replaced by `[redacted]`, looking `levels` levels of
 * keys below this one (array items count as a level, as a `*` does in a pino path). Copies only
 * the objects on the way to a secret, so the caller's objects are never changed, and answers
 * `value` itself when there is nothing to hide (the common case: no allocation at all). A value
 * with `toJSON` (a Date, a Buffer) is written as itself and not searched; any other object is
 * searched by its own enumerable keys, which are what JSON keeps of it.
 */
export function withoutSecrets<T>(value: T, levels: number): T {
  if (value === null || typeof value !== 'object' || levels < 0 || typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const hidden = withoutSecrets(item, levels - 1);
      if (hidden !== item) (copy ??= [...value])[i] = hidden;
    }
    return (copy ?? value) as T;
  }
  let copy: Record<string, unknown> | undefined;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const item = record[key];
    const hidden = SECRETS.has(key) && item !== undefined ? CENSOR : withoutSecrets(item, levels - 1);
    if (hidden !== item) (copy ??= { ...record })[key] = hidden;
  }
  return (copy ?? value) as T;
}

/** A line's own keys and two levels below them are searched for secrets (see SECRET_KEYS). */
const SECRET_DEPTH = 2;

/**
 * JSON logs, one line per event. Messages are constant strings; the details go in fields
 * (`log.info({ orderId }, 'order placed')`), so logs can be searched by message. The active trace
 * and span ids are added to every line, which is how a log line is found from a trace and back.
 *
 * Secrets are removed here, not with pino's `redact` option: pino 10's redactor
 * (@pinojs/redact 0.4) re-parses every path string of the option on every call, and pino calls
 * it for every field of every line, strings and numbers too (its `strict` is off). With our 44
 * paths that was ≈ 125 kB of garbage per access-log line, more than a third of what a catalog
 * search allocated (bench/catalog/README.md). The formatter and the error serializer below look
 * for the same keys at the same depths and copy only what they change.
 */
export function createLogger(options: LoggerOptions): Logger {
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      formatters: {
        level: (label) => ({ level: label }),
        // `err` is left to its serializer, which makes a plain object of the error first.
        log: (line) => {
          if (line.err === undefined) return withoutSecrets(line, SECRET_DEPTH);
          const { err, ...rest } = line;
          const hidden = withoutSecrets(rest, SECRET_DEPTH);
          return hidden === rest ? line : { ...hidden, err };
        },
      },
      serializers: { err: (error: Error) => withoutSecrets(pino.stdSerializers.err(error), SECRET_DEPTH - 1) },
      mixin() {
        const span = trace.getActiveSpan();
        if (!span) return {};
        const ctx = span.spanContext();
        return { trace_id: ctx.traceId, span_id: ctx.spanId };
      },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
  // A child's bindings are written once, when it is made; pino gives children no bindings
  // formatter, so they are cleaned on the way in. Children inherit this `child` (each is made with
  // Object.create of its parent), so a child's children are cleaned too.
  const makeChild = logger.child as unknown as (this: Logger, bindings: pino.Bindings, childOptions?: pino.ChildLoggerOptions) => Logger;
  logger.child = function child(this: Logger, bindings: pino.Bindings, childOptions?: pino.ChildLoggerOptions) {
    return makeChild.call(this, withoutSecrets(bindings, SECRET_DEPTH), childOptions);
  } as unknown as Logger['child'];
  return logger;
}

/** Masks a Korean mobile number for logs: 01012345678 → 010****5678. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return '***';
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
}
