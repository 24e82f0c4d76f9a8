import http from 'node:http';
import https from 'node:https';
import axios, { AxiosError, type AxiosInstance } from 'axios';
import { outcomeOfStatus, type AttemptResult } from '../domain/delivery-policy';
import { createRateLimiter } from './rate-limiter';
import { sensMessagesPath, sensSignature } from './sens-signature';
import type { OutgoingSms, SmsProvider } from './sms-provider';

export interface SensProviderOptions {
  baseUrl: string;
  accessKey: string;
  secretKey: string;
  serviceId: string;
  from: string;
  ratePerSecond: number;
  timeoutMs: number;
  /** Sockets kept open to SENS (the sender's concurrency). */
  maxSockets: number;
}

const MESSAGE_MAX = 500;

function clip(value: string): string {
  return value.length > MESSAGE_MAX ? `${value.slice(0, MESSAGE_MAX - 1)}…` : value;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : typeof value === 'number' ? String(value) : null;
}

/**
 * Reads SENS's answer in the shapes it uses: `{ requestId, statusCode, statusName }` from the
 * SMS API, `{ error: { errorCode, message, details } }` from the API Gateway (authentication,
 * throttling), and anything else kept as raw text, so the log shows what SENS really said.
 */
function readAnswer(data: unknown): { status: string | null; message: string | null; requestId: string | null } {
  if (data && typeof data === 'object') {
    const body = data as Record<string, unknown>;
    const error = body.error && typeof body.error === 'object' ? (body.error as Record<string, unknown>) : undefined;
    if (error) {
      const parts = [text(error.message), text(error.details)].filter(Boolean);
      return { status: text(error.errorCode), message: parts.length ? clip(parts.join(': ')) : null, requestId: null };
    }
    const message = text(body.errorMessage) ?? text(body.message) ?? text(body.statusName);
    return { status: text(body.statusCode), message: message ? clip(message) : null, requestId: text(body.requestId) };
  }
  const raw = typeof data === 'string' ? data.trim() : '';
  return { status: null, message: raw ? clip(raw) : null, requestId: null };
}

/** Retry-After in seconds or as an HTTP date. */
function retryAfterMs(header: unknown, now: number): number | null {
  if (typeof header !== 'string' || header === '') return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * Naver Cloud SENS (SMS API v2): one signed POST per message. Keys come from the environment only
 * (config.ts). Sockets are kept alive: at hundreds of messages a second, a TLS handshake per
 * message would cost more than the call.
 */
export function createSensProvider(options: SensProviderOptions): SmsProvider {
  const path = sensMessagesPath(options.serviceId);
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);
  const client: AxiosInstance = axios.create({
    baseURL: options.baseUrl,
    timeout: options.timeoutMs,
    httpAgent,
    httpsAgent,
    maxRedirects: 0,
    validateStatus: () => true,
    transitional: { clarifyTimeoutError: true },
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });

  return {
    name: 'sens',
    reachesPhones: true,
    rateLimiter: createRateLimiter({ ratePerSecond: options.ratePerSecond }),
    async send(sms: OutgoingSms): Promise<AttemptResult> {
      const timestamp = String(Date.now());
      const body = {
        type: sms.type,
        contentType: 'COMM',
        countryCode: '82',
        from: options.from,
        ...(sms.type === 'LMS' && sms.subject ? { subject: sms.subject } : {}),
        content: sms.text,
        messages: [{ to: sms.to }],
      };
      const started = performance.now();
      try {
        const response = await client.post(path, body, {
          headers: {
            'x-ncp-apigw-timestamp': timestamp,
            'x-ncp-iam-access-key': options.accessKey,
            'x-ncp-apigw-signature-v2': sensSignature({ method: 'POST', path, timestamp, accessKey: options.accessKey, secretKey: options.secretKey }),
          },
        });
        const answer = readAnswer(response.data);
        return {
          outcome: outcomeOfStatus(response.status),
          httpStatus: response.status,
          providerStatus: answer.status ?? String(response.status),
          providerMessage: answer.message,
          requestId: answer.requestId,
          retryAfterMs: response.status === 429 ? retryAfterMs(response.headers['retry-after'], Date.now()) : null,
          durationMs: performance.now() - started,
        };
      } catch (error) {
        const durationMs = performance.now() - started;
        const code = error instanceof AxiosError ? error.code : undefined;
        const timedOut = code === AxiosError.ETIMEDOUT || code === AxiosError.ECONNABORTED;
        return {
          outcome: timedOut ? 'TIMEOUT' : 'NETWORK_ERROR',
          httpStatus: null,
          providerStatus: null,
          providerMessage: timedOut
            ? `no answer within ${options.timeoutMs} ms`
            : clip(`${code ?? 'error'}: ${error instanceof Error ? error.message : String(error)}`),
          requestId: null,
          retryAfterMs: null,
          durationMs,
        };
      }
    },
    async close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
