import { AppError } from '@marketbill/platform';
import { eucKrByteLength } from './euc-kr';

/** Longest SMS body in EUC-KR bytes (mission.md: over 80 bytes goes as LMS). */
export const SMS_MAX_BYTES = 80;
/** Longest LMS body SENS accepts, in EUC-KR bytes. */
export const LMS_MAX_BYTES = 2_000;
/** Longest LMS subject SENS accepts, in EUC-KR bytes. */
export const SUBJECT_MAX_BYTES = 40;

export type SmsType = 'SMS' | 'LMS';

/** A message ready for a provider: its type follows from its length. */
export interface ComposedSms {
  type: SmsType;
  /** LMS only: SMS has no subject. */
  subject: string | null;
  text: string;
  /** EUC-KR bytes of `text`. */
  byteLength: number;
}

/** A rendered message that no provider can take. Not retriable: the same event renders the same text. */
export class MessageTooLongError extends AppError {
  static body(template: string, bytes: number): MessageTooLongError {
    return new MessageTooLongError({
      code: 'sms-too-long',
      message: `The ${template} message is ${bytes} EUC-KR bytes; an LMS holds at most ${LMS_MAX_BYTES}.`,
      details: { template, bytes },
    });
  }
}

/** Picks SMS or LMS by the EUC-KR length of `text`; an LMS carries `subject` (cut to 40 bytes). */
export function composeSms(template: string, text: string, subject: string): ComposedSms {
  const byteLength = eucKrByteLength(text);
  if (byteLength > LMS_MAX_BYTES) throw MessageTooLongError.body(template, byteLength);
  if (byteLength <= SMS_MAX_BYTES) return { type: 'SMS', subject: null, text, byteLength };
  return { type: 'LMS', subject: fitBytes(subject, SUBJECT_MAX_BYTES), text, byteLength };
}

/** The longest prefix of `value` (whole characters) that fits in `max` EUC-KR bytes. */
export function fitBytes(value: string, max: number): string {
  let out = '';
  for (const char of value) {
    if (eucKrByteLength(out + char) > max) break;
    out += char;
  }
  return out;
}
