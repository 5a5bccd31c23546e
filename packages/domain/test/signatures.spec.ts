import { createHmac } from 'node:crypto';

import { Webhook } from 'standardwebhooks';

import { generateSigningSecret, pigeonSignatureHeader, standardWebhookSignatureHeader } from '../src';

// Multi-byte characters and a large integer make sure the signature covers the
// exact bytes, not a re-serialized or re-encoded copy of the payload.
const BODY = Buffer.from('{"amount":12345678901234567890123,"note":"café ☕","tags":["a","b"]}', 'utf8');
const MESSAGE_ID = '0b6e7c2a-2f0d-4c4e-8f7e-4f5d3b2a1c0d';

function expectedPigeonSignature(secret: string, body: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function nowInSeconds(): number {
  // standardwebhooks rejects timestamps more than 5 minutes from the real clock.
  return Math.floor(Date.now() / 1000);
}

describe('pigeonSignatureHeader', () => {
  it('equals an HMAC-SHA256 keyed with the whole secret', () => {
    const secret = generateSigningSecret();

    const header = pigeonSignatureHeader([secret], BODY);

    expect(header).toBe(expectedPigeonSignature(secret, BODY));
  });

  it('joins two signatures with a comma, newest first', () => {
    const newest = generateSigningSecret();
    const oldest = generateSigningSecret();

    const header = pigeonSignatureHeader([newest, oldest], BODY);

    expect(header).toBe(`${expectedPigeonSignature(newest, BODY)},${expectedPigeonSignature(oldest, BODY)}`);
  });

  it('changes when one byte of the body changes', () => {
    const secret = generateSigningSecret();
    const altered = Buffer.from(BODY);
    altered[2] = altered[2]! ^ 0x01;

    const header = pigeonSignatureHeader([secret], altered);

    expect(header).not.toBe(expectedPigeonSignature(secret, BODY));
  });
});

describe('standardWebhookSignatureHeader', () => {
  it('verifies with the standardwebhooks library', () => {
    const secret = generateSigningSecret();
    const timestamp = nowInSeconds();
    const header = standardWebhookSignatureHeader([secret], MESSAGE_ID, timestamp, BODY);

    const verified = new Webhook(secret).verify(BODY, {
      'webhook-id': MESSAGE_ID,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': header,
    });

    expect(verified).toEqual(JSON.parse(BODY.toString('utf8')));
  });

  it('formats each signature as v1 and base64', () => {
    const secret = generateSigningSecret();

    const header = standardWebhookSignatureHeader([secret], MESSAGE_ID, nowInSeconds(), BODY);

    expect(header).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('verifies with either secret during a rotation', () => {
    const newest = generateSigningSecret();
    const oldest = generateSigningSecret();
    const timestamp = nowInSeconds();

    const header = standardWebhookSignatureHeader([newest, oldest], MESSAGE_ID, timestamp, BODY);

    const headers = { 'webhook-id': MESSAGE_ID, 'webhook-timestamp': String(timestamp), 'webhook-signature': header };
    expect(header.split(' ')).toHaveLength(2);
    expect(new Webhook(newest).verify(BODY, headers)).toEqual(JSON.parse(BODY.toString('utf8')));
    expect(new Webhook(oldest).verify(BODY, headers)).toEqual(JSON.parse(BODY.toString('utf8')));
  });

  it('fails verification with another secret', () => {
    const timestamp = nowInSeconds();
    const header = standardWebhookSignatureHeader([generateSigningSecret()], MESSAGE_ID, timestamp, BODY);
    const headers = { 'webhook-id': MESSAGE_ID, 'webhook-timestamp': String(timestamp), 'webhook-signature': header };

    const verify = (): unknown => new Webhook(generateSigningSecret()).verify(BODY, headers);

    expect(verify).toThrow('No matching signature found');
  });

  it('fails verification for another message id', () => {
    const secret = generateSigningSecret();
    const timestamp = nowInSeconds();
    const header = standardWebhookSignatureHeader([secret], MESSAGE_ID, timestamp, BODY);
    const headers = { 'webhook-id': 'another-id', 'webhook-timestamp': String(timestamp), 'webhook-signature': header };

    const verify = (): unknown => new Webhook(secret).verify(BODY, headers);

    expect(verify).toThrow('No matching signature found');
  });
});
