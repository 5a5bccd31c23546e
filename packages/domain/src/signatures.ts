import { createHmac } from 'node:crypto';

import { SIGNING_SECRET_PREFIX } from './signing-secret';

/**
 * `X-Pigeon-Signature` value: `sha256=<hex>` per secret, newest first, joined
 * with commas. The HMAC key is the whole secret string, `whsec_` included.
 */
export function pigeonSignatureHeader(secrets: readonly string[], body: Buffer): string {
  return secrets.map((secret) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`).join(',');
}

/**
 * Standard Webhooks `webhook-signature` value: `v1,<base64>` per secret,
 * separated by spaces. The key is the base64 decoding of the part after
 * `whsec_`, and the signed content is `<id>.<timestamp>.<body>`.
 */
export function standardWebhookSignatureHeader(
  secrets: readonly string[],
  messageId: string,
  timestampSeconds: number,
  body: Buffer,
): string {
  const prefix = Buffer.from(`${messageId}.${timestampSeconds}.`, 'utf8');

  return secrets
    .map((secret) => {
      const key = Buffer.from(secret.slice(SIGNING_SECRET_PREFIX.length), 'base64');
      const digest = createHmac('sha256', key).update(prefix).update(body).digest('base64');

      return `v1,${digest}`;
    })
    .join(' ');
}
