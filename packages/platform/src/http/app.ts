import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { isUtf8 } from 'node:buffer';
import type { AddressInfo, Socket } from 'node:net';
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Health } from '../health';
import { isWarmUpRequest } from './warm-up';
import { AppError } from '../errors';
import { notFoundHandler, PROBLEM_CONTENT_TYPE, problemHandler, statusTitle, toProblem, type ProblemHandlerOptions } from './problem';

export interface HttpAppOptions {
  logger: Logger;
  health: Health;
  /** Maximum JSON body size (default 1 MB). */
  bodyLimit?: string;
  /**
   * Addresses/CIDR ranges of the proxies whose `X-Forwarded-For` is believed (see TRUSTED_PROXIES).
   * Default: none, so `req.ip` is the TCP peer. Never a hop count: "trust one hop" also believes a
   * header a client sends straight to the service, and lets it pick its own address.
   */
  trustedProxies?: readonly string[];
  /**
   * Middleware that must see every request before its body is parsed, e.g. CORS: a browser can
   * read an error answer (a malformed body's 400, a 413) only when it carries the CORS headers,
   * and the body parser answers those before any later middleware runs.
   */
  beforeBody?: RequestHandler[];
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Accepts a well-formed `X-Request-Id` from the caller (so one id spans services) or makes one. */
const requestId: RequestHandler = (req, res, next) => {
  const given = req.get('x-request-id');
  const id = given && REQUEST_ID.test(given) ? given : randomUUID();
  res.locals.requestId = id;
  res.setHeader('X-Request-Id', id);
  next();
};

function accessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      if (req.path.startsWith('/health/') || isWarmUpRequest(req.headers)) return;
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const fields = {
        requestId: res.locals.requestId,
        method: req.method,
        path: req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : req.path,
        status: res.statusCode,
        durationMs: Math.round(durationMs * 10) / 10,
      };
      if (res.statusCode >= 500) logger.error(fields, 'request completed');
      else logger.info(fields, 'request completed');
    });
    next();
  };
}

/**
 * An Express app with the plumbing every service shares: request ids, access log, JSON parsing
 * with a size limit, no `X-Powered-By`, and the health routes. Add routers, then call
 * {@link finishHttpApp} to add the 404 and problem+json handlers last.
 */
export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // proxy-addr walks X-Forwarded-For from the right and stops at the first address that is not a
  // trusted proxy: that one is the client. With nothing trusted the header is ignored.
  const trusted = options.trustedProxies ?? [];
  app.set('trust proxy', trusted.length > 0 ? [...trusted] : false);
  app.use(options.health.router);
  app.use(requestId);
  app.use(accessLog(options.logger));
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  for (const handler of options.beforeBody ?? []) app.use(handler);
  app.use(express.json({ limit: options.bodyLimit ?? '1mb', type: ['application/json', 'application/*+json'], verify: assertUtf8 }));
  return app;
}

/**
 * JSON between systems is UTF-8 (RFC 8259 §8.1). body-parser would decode invalid bytes to U+FFFD
 * and store the damaged text; refuse them instead (400 invalid-utf8), and refuse other charsets
 * (415 unsupported-encoding) rather than guess.
 */
function assertUtf8(_req: unknown, _res: unknown, body: Buffer, encoding: string): void {
  if (encoding !== 'utf-8') throw Object.assign(new Error(`charset ${encoding} is not accepted`), { type: 'charset.unsupported' });
  if (!isUtf8(body)) throw Object.assign(new Error('the body is not valid UTF-8'), { type: 'entity.encoding.invalid' });
}

/**
 * What Node answers itself, before Express sees a request — headers over its 16 KB limit, bytes
 * that are not HTTP, a request that took too long — as a problem+json like every other error
 * (Node's own answer is an empty 431/400/408).
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers-too-large', 'The request headers are too large (16 KB at most).']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request-timeout', 'The request was not received in time.']
        : [400, 'malformed-request', 'The request is not valid HTTP.'];
  const body = JSON.stringify(toProblem(new AppError({ code, message: detail, httpStatus: status }), ''));
  socket.end(
    `HTTP/1.1 ${status} ${statusTitle(status)}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Adds the catch-all 404 and the problem+json error handler. Call after every router. */
export function finishHttpApp(app: Express, logger: Logger, options: ProblemHandlerOptions = {}): Express {
  app.use(notFoundHandler);
  app.use(problemHandler(logger, options));
  return app;
}

export interface RunningServer {
  server: Server;
  port: number;
  url: string;
  /** Stops accepting connections and waits for in-flight requests (idle keep-alives closed at once). */
  close(): Promise<void>;
}

/** Listens on `host:port` (port 0 = any free port, for tests). */
export function listen(app: Express, port: number, host = '0.0.0.0'): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.on('clientError', answerClientError);
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      // Node's defaults close keep-alive sockets after 5 s; behind a load balancer that keeps them
      // longer this causes sporadic 502s, so keep them a little longer than common LB idle timeouts.
      server.keepAliveTimeout = 65_000;
      server.headersTimeout = 66_000;
      const address = server.address() as AddressInfo;
      const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host;
      resolve({
        server,
        port: address.port,
        url: `http://${shownHost}:${address.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}
