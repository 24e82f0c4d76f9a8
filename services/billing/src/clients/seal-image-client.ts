import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import zlib from 'node:zlib';
import axios, { AxiosError } from 'axios';
import type { Logger } from '@marketbill/platform';
import { sniffImageType, type SealImageType } from '../domain/image-type';

export interface SealImage {
  bytes: Uint8Array;
  type: SealImageType;
}

/** Fetches a wholesaler's seal (인감) image; never throws: a seal that cannot be had is `undefined`. */
export interface SealImageClient {
  fetch(url: string): Promise<SealImage | undefined>;
}

export interface SealImageClientOptions {
  timeoutMs: number;
  maxBytes: number;
  /** Seconds a result (image or failure) is reused; 0 = no cache. */
  cacheSeconds: number;
  /** Allow loopback/private/link-local targets (tests and local runs only). */
  allowPrivateNetwork: boolean;
  logger: Logger;
}

const blocked = new net.BlockList();
for (const [address, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  blocked.addSubnet(address, prefix, 'ipv4');
}
for (const [address, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(address, prefix, 'ipv6');
}

/** True for an address on the public internet; false for loopback, private, link-local, CGNAT, multicast. */
export function isPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPublicAddress(mapped[1] as string);
  const family = net.isIP(address);
  if (family === 4) return !blocked.check(address, 'ipv4');
  if (family === 6) return !blocked.check(address, 'ipv6');
  return false;
}

/** Why a seal was not used (logged; never an error of the statement). */
class SealFetchRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Seals are small; a larger bitmap is refused before anything decodes it (decompression bombs). */
const MAX_SEAL_PIXELS = 2_000 * 2_000;

/**
 * Checks that a PNG decodes, before pdfkit sees it: pdfkit inflates PNG pixels in a zlib callback
 * and rethrows a failure there, which would crash the process and leave the document unfinished.
 * So the chunks are walked here, the size is bounded and the pixel data is inflated once
 * synchronously (bounded output). JPEGs are embedded as they are (DCT passthrough); pdfkit parses
 * their header synchronously, so a broken one fails where the renderer catches it.
 */
export function assertDecodablePng(bytes: Uint8Array): void {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (pos + 8 <= data.length) {
    const length = data.readUInt32BE(pos);
    const type = data.toString('latin1', pos + 4, pos + 8);
    const start = pos + 8;
    if (start + length + 4 > data.length) throw new SealFetchRefused('truncated PNG');
    if (type === 'IHDR') {
      width = data.readUInt32BE(start);
      height = data.readUInt32BE(start + 4);
    } else if (type === 'IDAT') {
      idat.push(data.subarray(start, start + length));
    } else if (type === 'IEND') {
      break;
    }
    pos = start + length + 4;
  }
  if (width === 0 || height === 0 || idat.length === 0) throw new SealFetchRefused('PNG without header or pixels');
  if (width * height > MAX_SEAL_PIXELS) throw new SealFetchRefused(`PNG of ${width}×${height} pixels is too large for a seal`);
  try {
    // 8 bytes per pixel (16-bit RGBA) plus one filter byte per row is the most a PNG can hold.
    zlib.inflateSync(Buffer.concat(idat), { maxOutputLength: width * height * 8 + height });
  } catch {
    throw new SealFetchRefused('PNG pixel data does not decode');
  }
}

/**
 * A DNS lookup that refuses non-public addresses. It runs inside the socket's connect, so the
 * address checked is the address connected to (no window for DNS rebinding between check and use).
 */
const publicOnlyLookup: net.LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const list = addresses as dns.LookupAddress[];
    const refused = list.find((a) => !isPublicAddress(a.address));
    if (refused || list.length === 0) {
      const e = Object.assign(new Error(`seal host ${hostname} resolves to a non-public address`), { code: 'ESEALPRIVATE' });
      return callback(e, '', 0);
    }
    if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
    const first = list[0] as dns.LookupAddress;
    callback(null, first.address, first.family);
  });
};

/**
 * The seal fetcher. The URL is the wholesaler's input, fetched from inside our network, so it is
 * treated as hostile: http(s) only, no redirects, public addresses only (unless configured for
 * tests), a time limit on the whole response (not just idle time: a server trickling bytes is cut
 * off too), a size limit enforced while reading, and the type decided by magic bytes (PNG, JPEG).
 * Results, failures included, are cached for a while so a slow or broken host costs one
 * time-out, not one per statement; concurrent fetches of one URL share one request.
 */
export function createSealImageClient(options: SealImageClientOptions): SealImageClient {
  const log = options.logger.child({ component: 'seal-image-client' });
  const agentOptions = options.allowPrivateNetwork ? {} : { lookup: publicOnlyLookup };
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 8, ...agentOptions });
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 8, ...agentOptions });
  const cache = new Map<string, { at: number; result: SealImage | undefined }>();
  const inFlight = new Map<string, Promise<SealImage | undefined>>();
  const MAX_CACHED = 256;

  async function download(url: string): Promise<SealImage> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new SealFetchRefused('not a URL');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new SealFetchRefused(`scheme ${parsed.protocol} not allowed`);
    if (parsed.username || parsed.password) throw new SealFetchRefused('credentials in the URL');
    // An IP literal never goes through the lookup, so it is checked here.
    const literal = parsed.hostname.replace(/^\[|\]$/g, '');
    if (!options.allowPrivateNetwork && net.isIP(literal) && !isPublicAddress(literal)) throw new SealFetchRefused('non-public address');

    const response = await axios.get<ArrayBuffer>(url, {
      responseType: 'arraybuffer',
      timeout: options.timeoutMs,
      signal: AbortSignal.timeout(options.timeoutMs),
      maxContentLength: options.maxBytes,
      maxRedirects: 0,
      decompress: false,
      httpAgent,
      httpsAgent,
      proxy: false,
      headers: { accept: 'image/png, image/jpeg' },
      validateStatus: (status) => status === 200,
    });
    const bytes = new Uint8Array(response.data);
    if (bytes.byteLength > options.maxBytes) throw new SealFetchRefused('too large');
    const type = sniffImageType(bytes);
    if (!type) throw new SealFetchRefused('not a PNG or JPEG image');
    if (type === 'png') assertDecodablePng(bytes);
    return { bytes, type };
  }

  async function fetchUncached(url: string): Promise<SealImage | undefined> {
    const started = Date.now();
    try {
      return await download(url);
    } catch (error) {
      const reason =
        error instanceof SealFetchRefused
          ? error.reason
          : error instanceof AxiosError
            ? (error.response ? `status ${error.response.status}` : (error.code ?? error.message))
            : error instanceof Error
              ? error.message
              : String(error);
      const host = URL.canParse(url) ? new URL(url).host : '(invalid)';
      log.warn({ host, reason, durationMs: Date.now() - started }, 'seal image not used');
      return undefined;
    }
  }

  return {
    async fetch(url) {
      const now = Date.now();
      const cached = cache.get(url);
      if (cached && now - cached.at < options.cacheSeconds * 1000) return cached.result;
      let pending = inFlight.get(url);
      if (!pending) {
        pending = fetchUncached(url).then((result) => {
          if (options.cacheSeconds > 0) {
            cache.delete(url);
            cache.set(url, { at: Date.now(), result });
            if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string);
          }
          return result;
        });
        pending.finally(() => inFlight.delete(url)).catch(() => undefined);
        inFlight.set(url, pending);
      }
      return pending;
    },
  };
}
