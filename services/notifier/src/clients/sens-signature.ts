import { createHmac } from 'node:crypto';

/**
 * The Naver Cloud API Gateway signature (x-ncp-apigw-signature-v2): base64 of HMAC-SHA256 with the
 * secret key over "{METHOD} {path}\n{timestamp}\n{accessKey}", the path including any query string.
 */
export function sensSignature(input: { method: string; path: string; timestamp: string; accessKey: string; secretKey: string }): string {
  return createHmac('sha256', input.secretKey)
    .update(`${input.method} ${input.path}\n${input.timestamp}\n${input.accessKey}`)
    .digest('base64');
}

/** The path of SENS's send-message endpoint for a service id. */
export function sensMessagesPath(serviceId: string): string {
  return `/sms/v2/services/${serviceId}/messages`;
}
