import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { AppError } from './errors';

/**
 * Field-level encryption for values that must cross Kafka but that only their intended reader may
 * read — an SMS verification code, a phone number. Everyone with read access to a topic (analytics,
 * an operator's `npm run tail`) sees the rest of the event, and only an opaque string here.
 *
 * AES-256-GCM with a 96-bit random IV; the key is derived with HKDF-SHA256 from a secret string
 * (≥ 32 characters, from the environment), so any generated secret works. The `context` (e.g.
 * `verification:<id>:code`) is authenticated as additional data: a sealed value copied into
 * another event, or onto another party, does not open. Format:
 * `s1.<key id>.<iv>.<ciphertext>.<tag>` (base64url parts; the key id is 8 hex characters of the
 * derived key's SHA-256), so a reader holding the current and previous keys opens values sealed
 * under either — rotation without a flag day.
 */
export interface Sealer {
  seal(plaintext: string, context: string): string;
  /** @throws {@link UnreadableSealedValueError} for a value that is not ours, tampered, or under an unknown key. */
  open(sealed: string, context: string): string;
}

/** A sealed value could not be opened (unknown key, tampered, another context): never retriable. */
export class UnreadableSealedValueError extends AppError {
  static because(reason: string): UnreadableSealedValueError {
    return new UnreadableSealedValueError({ code: 'sealed-value-unreadable', message: `A sealed value could not be opened: ${reason}.` });
  }
}

const VERSION = 's1';
const INFO = 'marketbill event field sealing v1';

function deriveKey(secret: string): { id: string; key: Buffer } {
  if (secret.length < 32) throw new Error('a sealing key must be at least 32 characters');
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), INFO, 32));
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key };
}

/**
 * A sealer that seals with `current` and opens values sealed with `current` or any of `previous`.
 * A service that only seals (ordering) passes just `current`.
 */
export function createSealer(keys: { current: string; previous?: readonly string[] }): Sealer {
  const current = deriveKey(keys.current);
  const byId = new Map([current, ...(keys.previous ?? []).map(deriveKey)].map((k) => [k.id, k.key]));
  return {
    seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, current.id, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    },
    open(sealed, context) {
      const [version, id, iv, body, tag, ...rest] = sealed.split('.');
      if (version !== VERSION || !id || iv === undefined || body === undefined || !tag || rest.length > 0) throw UnreadableSealedValueError.because('not a sealed value');
      const key = byId.get(id);
      if (!key) throw UnreadableSealedValueError.because(`sealed under an unknown key ${id}`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw UnreadableSealedValueError.because('it was altered, or sealed for another context');
      }
    },
  };
}
