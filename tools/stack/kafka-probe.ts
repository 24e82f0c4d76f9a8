// Kafka readiness without a Kafka client library (the tools use Node built-ins only).
//
// An open port is not enough: the broker accepts connections before it has registered with the
// controller, and the group coordinator (__consumer_offsets) is only created on first use, which
// makes the first consumer of every fresh stack log "coordinator not available" errors and wait.
// The same holds for the first idempotent producer, whose InitProducerId answers "coordinator
// loading" until the broker has fetched a block of producer ids from the controller.
// So readiness is a few tiny requests of the Kafka wire protocol:
//   Metadata v4          → the broker lists itself and a controller id ≥ 0
//   FindCoordinator v1   → for a group and for a transactional id: error 0 once the internal
//                          topics exist and their partitions are loaded
//   InitProducerId v1    → without a transactional id: error 0 once producer ids are available
// These versions are inside what Kafka 4.x still serves (KIP-896 removed Metadata v0–3 and
// FindCoordinator v0; kafkajs 2.2.4 itself uses InitProducerId v1) and are the non-"flexible"
// encodings, so no tagged fields are needed.
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import net from 'node:net';

const apiMetadata = 3;
const apiFindCoordinator = 10;
const apiInitProducerId = 22;
const apiAlterUserScramCredentials = 51;

function encodeString(s: string): Buffer {
  const body = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(2);
  len.writeInt16BE(body.length);
  return Buffer.concat([len, body]);
}

/** Request header v1: api key, version, correlation id, client id; the whole prefixed by its size. */
function frame(apiKey: number, apiVersion: number, body: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(1, 4);
  const payload = Buffer.concat([header, encodeString('marketbill-stack-probe'), body]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}

/** Sends one request on a fresh connection and returns the response body (after the correlation id). */
function roundTrip(port: number, request: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = Buffer.alloc(0);
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error('kafka probe timed out')));
    socket.once('error', fail);
    socket.once('close', () => reject(new Error('kafka closed the connection')));
    socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4) return;
      const size = received.readInt32BE(0);
      if (received.length < 4 + size) return;
      socket.destroy();
      resolve(received.subarray(8, 4 + size));
    });
  });
}

class Reader {
  private offset = 0;
  private readonly buf: Buffer;

  constructor(buf: Buffer) {
    this.buf = buf;
  }

  int16(): number {
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  int32(): number {
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  nullableString(): string | null {
    const len = this.int16();
    if (len < 0) return null;
    const v = this.buf.toString('utf8', this.offset, this.offset + len);
    this.offset += len;
    return v;
  }
}

export type ClusterInfo = { brokers: { nodeId: number; host: string; port: number }[]; clusterId: string | null; controllerId: number };

/** Metadata v4 for no topics in particular: brokers, cluster id, controller. */
export async function describeCluster(port: number, timeoutMs = 2000): Promise<ClusterInfo> {
  // topics: null array (-1) = all topics; allow_auto_topic_creation: false
  const body = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00]);
  const r = new Reader(await roundTrip(port, frame(apiMetadata, 4, body), timeoutMs));
  r.int32(); // throttle_time_ms
  const brokers: ClusterInfo['brokers'] = [];
  for (let n = r.int32(); n > 0; n--) {
    const nodeId = r.int32();
    const brokerHost = r.nullableString() ?? '';
    const brokerPort = r.int32();
    r.nullableString(); // rack
    brokers.push({ nodeId, host: brokerHost, port: brokerPort });
  }
  const clusterId = r.nullableString();
  const controllerId = r.int32();
  return { brokers, clusterId, controllerId };
}

/** FindCoordinator v1: 0 when the coordinator for that key is ready, else the Kafka error code. */
export async function findCoordinator(port: number, key: string, keyType: 'group' | 'transaction', timeoutMs = 2000): Promise<number> {
  const body = Buffer.concat([encodeString(key), Buffer.from([keyType === 'group' ? 0 : 1])]);
  const r = new Reader(await roundTrip(port, frame(apiFindCoordinator, 1, body), timeoutMs));
  r.int32(); // throttle_time_ms
  return r.int16();
}

/** InitProducerId v1 for an idempotent (non-transactional) producer: 0 or the Kafka error code. */
export async function initProducerId(port: number, timeoutMs = 2000): Promise<number> {
  // transactional_id: null; transaction_timeout_ms: 60 000 (unused without a transactional id)
  const body = Buffer.from([0xff, 0xff, 0x00, 0x00, 0xea, 0x60]);
  const r = new Reader(await roundTrip(port, frame(apiInitProducerId, 1, body), timeoutMs));
  r.int32(); // throttle_time_ms
  return r.int16();
}

/** The broker serves metadata; consumer groups, transactions and idempotent producers work. */
export async function kafkaReady(port: number): Promise<boolean> {
  const cluster = await describeCluster(port);
  if (cluster.brokers.length === 0 || cluster.controllerId < 0) return false;
  if ((await findCoordinator(port, 'marketbill-stack-probe', 'group')) !== 0) return false;
  if ((await findCoordinator(port, 'marketbill-stack-probe', 'transaction')) !== 0) return false;
  return (await initProducerId(port)) === 0;
}

// ---------------------------------------------------------------------------------------------
// AlterUserScramCredentials v0 (KIP-554): the admin API that stores SCRAM users in KRaft metadata.
// kafkajs has no call for it, and a Java tool would cost a JVM start. v0 is a "flexible" request:
// request header v2 and response header v1 carry tagged fields, lengths are unsigned varints + 1.

function uvarint(n: number): Buffer {
  const bytes: number[] = [];
  let v = n;
  while (v >= 0x80) {
    bytes.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

function compactBytes(b: Buffer): Buffer {
  return Buffer.concat([uvarint(b.length + 1), b]);
}

const noTaggedFields = Buffer.from([0]);

/** Request header v2 (v1 plus tagged fields), the whole prefixed by its size. */
function flexibleFrame(apiKey: number, apiVersion: number, body: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(1, 4);
  const payload = Buffer.concat([header, encodeString('marketbill-stack-probe'), noTaggedFields, body]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}

const scramMechanisms = [
  { id: 1, name: 'SCRAM-SHA-256', digest: 'sha256', length: 32 },
  { id: 2, name: 'SCRAM-SHA-512', digest: 'sha512', length: 64 },
] as const;

/**
 * Upserts SCRAM-SHA-256 and SCRAM-SHA-512 credentials of `username`. The broker stores the salted
 * password (PBKDF2 of the password with a fresh salt, as RFC 5802's Hi()), never the password.
 * Throws with Kafka's error code and message when the broker refuses.
 */
export async function upsertScramCredentials(port: number, username: string, password: string, timeoutMs = 5000): Promise<void> {
  // One mechanism per request: the broker refuses two changes to one user in one request (error 92).
  for (const mechanism of scramMechanisms) await upsertScramCredential(port, username, password, mechanism, timeoutMs);
}

async function upsertScramCredential(port: number, username: string, password: string, m: (typeof scramMechanisms)[number], timeoutMs: number): Promise<void> {
  const iterations = 4096; // Kafka's minimum, and what its own tools use by default
  const salt = randomBytes(32);
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, m.length, m.digest);
  const fixed = Buffer.alloc(5);
  fixed.writeInt8(m.id, 0);
  fixed.writeInt32BE(iterations, 1);
  const upsertion = Buffer.concat([compactBytes(Buffer.from(username, 'utf8')), fixed, compactBytes(salt), compactBytes(salted), noTaggedFields]);
  const body = Buffer.concat([uvarint(1) /* no deletions */, uvarint(2) /* one upsertion */, upsertion, noTaggedFields]);
  const response = await roundTrip(port, flexibleFrame(apiAlterUserScramCredentials, 0, body), timeoutMs);
  // response header v1: the correlation id (already skipped), then tagged fields
  let offset = 1;
  offset += 4; // throttle_time_ms
  const readUvarint = (): number => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = response.readUInt8(offset++);
      value |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return value;
      shift += 7;
    }
  };
  const results = readUvarint() - 1;
  for (let i = 0; i < results; i++) {
    const userLength = readUvarint() - 1;
    offset += userLength;
    const errorCode = response.readInt16BE(offset);
    offset += 2;
    const messageLength = readUvarint() - 1;
    const message = messageLength >= 0 ? response.toString('utf8', offset, offset + messageLength) : '';
    offset += Math.max(messageLength, 0);
    readUvarint(); // tagged fields of the result
    if (errorCode !== 0) throw new Error(`AlterUserScramCredentials (${m.name}): error ${errorCode} ${message}`);
  }
}
