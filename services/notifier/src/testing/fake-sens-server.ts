import { randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sensMessagesPath, sensSignature } from '../clients/sens-signature';
import { eucKrByteLength, isEucKrEncodable } from '../domain/euc-kr';

/** A message the fake accepted. */
export interface ReceivedSms {
  requestId: string;
  type: string;
  from: string;
  to: string;
  subject: string | null;
  content: string;
  at: number;
  /**
   * When the sender signed the call (its x-ncp-apigw-timestamp): the moment our side let the call
   * go, free of the connection set-up and scheduling delays between the two processes.
   */
  signedAt: number;
  /** False when the caller had hung up (timed out) before the answer: SENS took the message anyway. */
  answered: boolean;
}

/** What the fake does with one well-signed, well-formed request. */
export type FakeSensAnswer =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { delayMs: number; then?: FakeSensAnswer }
  | { destroy: true };

export interface FakeSensRequest {
  to: string;
  type: string;
  content: string;
  /** How many requests for this number arrived before this one (0 for the first). */
  previousRequests: number;
}

export interface FakeSensServer {
  url: string;
  accessKey: string;
  secretKey: string;
  serviceId: string;
  from: string;
  /** Accepted messages, in arrival order. */
  received: ReceivedSms[];
  /** Every request with the status answered (0 when the connection was dropped or the answer was late). */
  requests: Array<{ to: string | null; status: number }>;
  /** Sets how well-formed requests are answered (default: 202 accepted). */
  answerWith(fn: (request: FakeSensRequest) => FakeSensAnswer): void;
  close(): Promise<void>;
}

const AUTH_FAILED = { error: { errorCode: '200', message: 'Authentication Failed', details: 'Invalid authentication information.' } };
const MAX_SKEW_MS = 5 * 60_000;

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * A local HTTP server that behaves like Naver Cloud SENS's send-message endpoint, for tests and
 * the benchmark: it checks the API Gateway signature (and the timestamp's 5-minute window) the
 * way SENS does, refuses bodies SENS would refuse (an SMS over 90 bytes, characters outside
 * EUC-KR, a subject over 40 bytes) with a 400, and otherwise answers 202 with a request id — or
 * whatever `answerWith` scripts: a 4xx, a 5xx, a 429 with Retry-After, a slow answer, a dropped
 * connection.
 */
export async function startFakeSensServer(options: { serviceId?: string; accessKey?: string; secretKey?: string; from?: string } = {}): Promise<FakeSensServer> {
  const serviceId = options.serviceId ?? 'ncp:sms:kr:000000000000:marketbill-test';
  const accessKey = options.accessKey ?? `AK${randomUUID().replace(/-/g, '').slice(0, 18).toUpperCase()}`;
  const secretKey = options.secretKey ?? randomUUID().replace(/-/g, '');
  const from = options.from ?? '0212345678';
  const path = sensMessagesPath(serviceId);
  const received: ReceivedSms[] = [];
  const requests: FakeSensServer['requests'] = [];
  const perNumber = new Map<string, number>();
  let answer: (request: FakeSensRequest) => FakeSensAnswer = () => ({ status: 202 });

  function reply(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  }

  function validate(body: unknown): string | undefined {
    if (!body || typeof body !== 'object') return 'body is not a JSON object';
    const b = body as Record<string, unknown>;
    if (b.type !== 'SMS' && b.type !== 'LMS') return 'type must be SMS or LMS';
    if (b.from !== from) return 'from is not a registered calling number';
    if (typeof b.content !== 'string' || b.content.length === 0) return 'content is required';
    if (!isEucKrEncodable(b.content)) return 'content has characters outside EUC-KR';
    const bytes = eucKrByteLength(b.content);
    if (b.type === 'SMS' && bytes > 90) return `SMS content is ${bytes} bytes (at most 90)`;
    if (b.type === 'LMS' && bytes > 2000) return `LMS content is ${bytes} bytes (at most 2000)`;
    if (b.subject !== undefined && (typeof b.subject !== 'string' || eucKrByteLength(b.subject) > 40)) return 'subject is over 40 bytes';
    if (!Array.isArray(b.messages) || b.messages.length < 1 || b.messages.length > 100) return 'messages must hold 1 to 100 entries';
    for (const m of b.messages as Array<Record<string, unknown>>) {
      if (typeof m?.to !== 'string' || !/^\d+$/.test(m.to)) return 'messages[].to must be digits';
    }
    return undefined;
  }

  async function act(res: http.ServerResponse, a: FakeSensAnswer, accepted: (answered: boolean) => ReceivedSms, log: { status: number }): Promise<void> {
    if ('destroy' in a) {
      res.socket?.destroy();
      return;
    }
    if ('delayMs' in a) {
      await new Promise((resolve) => setTimeout(resolve, a.delayMs));
      return act(res, a.then ?? { status: 202 }, accepted, log);
    }
    const gone = !res.socket || res.socket.destroyed;
    if (!gone) log.status = a.status;
    if (a.status === 202 && a.body === undefined) {
      // Like SENS, a slow request is still processed after the caller stopped waiting.
      const sms = accepted(!gone);
      if (gone) return;
      reply(res, 202, { requestId: sms.requestId, requestTime: new Date(sms.at).toISOString().slice(0, 23), statusCode: '202', statusName: 'success' }, a.headers);
      return;
    }
    if (gone) return;
    reply(res, a.status, a.body ?? { statusCode: String(a.status), statusName: 'fail' }, a.headers);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const log = { to: null as string | null, status: 0 };
      requests.push(log);
      const done = (status: number, body: unknown) => {
        log.status = status;
        reply(res, status, body);
      };
      if (req.method !== 'POST' || req.url !== path) return done(404, { error: { errorCode: '300', message: 'Not Found Exception', details: `no ${req.method} ${req.url}` } });
      const timestamp = req.headers['x-ncp-apigw-timestamp'];
      const key = req.headers['x-ncp-iam-access-key'];
      const signature = req.headers['x-ncp-apigw-signature-v2'];
      if (typeof timestamp !== 'string' || typeof key !== 'string' || typeof signature !== 'string') return done(401, AUTH_FAILED);
      if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() - Number(timestamp)) > MAX_SKEW_MS) return done(401, AUTH_FAILED);
      const expected = sensSignature({ method: 'POST', path, timestamp, accessKey, secretKey });
      if (key !== accessKey || !sameText(signature, expected)) return done(401, AUTH_FAILED);
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        return done(400, { statusCode: '400', statusName: 'fail', errorMessage: 'malformed JSON' });
      }
      const problem = validate(body);
      if (problem) return done(400, { statusCode: '400', statusName: 'fail', errorMessage: problem });
      const to = (body.messages as Array<{ to: string }>)[0]!.to;
      log.to = to;
      const previousRequests = perNumber.get(to) ?? 0;
      perNumber.set(to, previousRequests + 1);
      const scripted = answer({ to, type: body.type as string, content: body.content as string, previousRequests });
      const accepted = (answered: boolean): ReceivedSms => {
        const sms: ReceivedSms = {
          requestId: `RSSA-${randomUUID()}`,
          type: body.type as string,
          from: body.from as string,
          to,
          subject: typeof body.subject === 'string' ? body.subject : null,
          content: body.content as string,
          at: Date.now(),
          signedAt: Number(timestamp),
          answered,
        };
        received.push(sms);
        return sms;
      };
      void act(res, scripted, accepted, log);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    accessKey,
    secretKey,
    serviceId,
    from,
    received,
    requests,
    answerWith(fn) {
      answer = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
