// Example webhook receiver for the Docker Compose stack: prints every delivery
// and, when WEBHOOK_SECRET holds the endpoint's secret, verifies both signature
// schemes. It responds 401 to a delivery that fails verification, and 200 to a
// webhook-id it has already processed without processing it again.
//
//   HOST=127.0.0.1 PORT=8080 WEBHOOK_SECRET=whsec_... node docker/example-receiver.mjs
//
// The verification functions are the ones of docs/receiving-webhooks.md.
import { createServer } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far webhook-timestamp may be from the receiver's clock, in seconds. */
const TOLERANCE_SECONDS = 5 * 60;

/**
 * Verifies the Standard Webhooks signature of a delivery. `rawBody` is the
 * body Buffer exactly as received, `headers` has lowercase names (as Node's
 * `request.headers`), `secret` is the endpoint's `whsec_...` secret.
 */
export function verifyStandardWebhook(rawBody, headers, secret, nowSeconds = Math.floor(Date.now() / 1000)) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof signatures !== 'string' || !/^\d+$/.test(timestamp ?? '')) {
    return false;
  }
  if (Math.abs(nowSeconds - Number(timestamp)) > TOLERANCE_SECONDS) {
    return false;
  }

  // The key is the base64 decoding of the part after whsec_, although that part looks like hex.
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(rawBody).digest();

  return signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    const given = Buffer.from(signature ?? '', 'base64');

    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** Verifies X-Pigeon-Signature, an HMAC of the body alone keyed with the whole secret string. */
export function verifyPigeonSignature(rawBody, header, secret) {
  const expected = createHmac('sha256', secret).update(rawBody).digest();

  return (header ?? '').split(',').some((entry) => {
    const hex = entry.trim().replace(/^sha256=/, '');

    return /^[0-9a-f]{64}$/.test(hex) && timingSafeEqual(Buffer.from(hex, 'hex'), expected);
  });
}

const host = process.env.HOST ?? '0.0.0.0';
const port = Number(process.env.PORT ?? '8080');
const secret = process.env.WEBHOOK_SECRET ?? '';

// NOTE: kept in memory, so a restart loses what was processed. A real receiver
// stores processed webhook-ids with its own data, in the same transaction.
const processed = new Set();

function handle(request, rawBody) {
  const headers = request.headers;
  const id = headers['webhook-id'];

  if (secret !== '') {
    const standard = verifyStandardWebhook(rawBody, headers, secret);
    const pigeon = verifyPigeonSignature(rawBody, headers['x-pigeon-signature'], secret);
    console.log(`webhook-signature ${standard ? 'valid' : 'INVALID'}, x-pigeon-signature ${pigeon ? 'valid' : 'INVALID'}`);
    if (!standard) {
      return 401;
    }
  } else {
    console.log('signatures not checked: set WEBHOOK_SECRET to the endpoint secret');
  }

  if (processed.has(id)) {
    console.log(`duplicate ${id} ignored`);

    return 200;
  }
  processed.add(id);
  console.log(`processed ${id}: ${rawBody.toString('utf8')}`);

  return 200;
}

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    // GET serves the container health check.
    if (request.method !== 'POST') {
      response.writeHead(request.method === 'GET' ? 200 : 405, { 'content-type': 'text/plain' }).end('example receiver\n');

      return;
    }

    const headers = request.headers;
    console.log(`POST ${request.url} webhook-id=${headers['webhook-id']} event=${headers['x-pigeon-event-type']} attempt=${headers['x-pigeon-attempt']}`);
    const status = handle(request, Buffer.concat(chunks));
    response.writeHead(status, { 'content-type': 'text/plain' }).end(`${status}\n`);
  });
});

server.listen(port, host, () => console.log(`example receiver listening on http://${host}:${port}`));

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
