import type { Notice } from './notices';
import { composeSms, type SmsType } from './sms-message';
import { renderTemplate, type TemplateName } from './templates';

/** A notice rendered into the message a provider will get. */
export interface PreparedDelivery {
  template: TemplateName;
  recipient: string;
  dedupeKey: string | null;
  expiresAt: Date | null;
  type: SmsType;
  subject: string | null;
  /** The text as the delivery log keeps it: secrets (a verification code) masked. */
  storedText: string;
  /** The text to send when it differs from `storedText` (it holds a secret); null otherwise. */
  secretText: string | null;
  /** The secret values themselves, so errors that might quote them can be scrubbed; never stored. */
  secrets: string[];
  byteLength: number;
}

/** Renders a notice and picks SMS or LMS by the length of the real text. */
export function prepareDelivery(notice: Notice): PreparedDelivery {
  const rendered = renderTemplate(notice.template, notice.variables as never);
  const sms = composeSms(notice.template, rendered.text, rendered.subject);
  return {
    template: notice.template,
    recipient: notice.recipient,
    dedupeKey: notice.dedupeKey,
    expiresAt: notice.expiresAt,
    type: sms.type,
    subject: sms.subject,
    storedText: rendered.maskedText,
    secretText: rendered.maskedText === rendered.text ? null : rendered.text,
    secrets: rendered.secrets,
    byteLength: sms.byteLength,
  };
}
