import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { pigeonSignatureHeader, standardWebhookSignatureHeader } from '@pigeon/domain';

import { freePort } from '../../../../test-support/free-port';
import { eventually, type ReceivedRequest, startReceiver, type TestReceiver } from '../../../../test-support/receiver';
import { type PigeonUnderTest, startPigeon } from '../support/pigeon-harness';

jest.setTimeout(60_000);

const workspace = path.resolve(__dirname, '../../../..');
const guide = readFileSync(path.join(workspace, 'docs/receiving-webhooks.md'), 'utf8');
const exampleReceiver = path.join(workspace, 'docker/example-receiver.mjs');

/** Returns the fenced code block of `language` in the guide that contains `marker`. */
function codeBlock(language: string, marker: string): string {
  const blocks = [...guide.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)\\n```', 'g'))].map((match) => match[1]!);
  const block = blocks.find((candidate) => candidate.includes(marker));
  if (block === undefined) {
    throw new Error(`docs/receiving-webhooks.md has no ${language} block containing ${marker}`);
  }

  return block;
}

/** One delivery as the checks below replay it: raw body, headers and the secret it was signed with. */
interface Delivery {
  readonly body: string;
  readonly headers: Record<string, string>;
  readonly secret: string;
  readonly timestamp: number;
}

/** The cases each language's functions are run against, with the expected results. */
const CASES = {
  standardValid: true,
  standardTamperedBody: false,
  standardWrongSecret: false,
  standardTooOld: false,
  standardTooNew: false,
  standardMissingHeaders: false,
  pigeonValid: true,
  pigeonTamperedBody: false,
  pigeonWrongSecret: false,
};

const WRONG_SECRET = `whsec_${'0'.repeat(64)}`;

const NODE_DRIVER = `
import { readFileSync } from 'node:fs';
import { verifyPigeonSignature, verifyStandardWebhook } from './verify.mjs';

const delivery = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const body = Buffer.from(delivery.body, 'base64');
const tampered = Buffer.concat([body, Buffer.from(' ')]);
const { headers, secret, timestamp } = delivery;
const results = {
  standardValid: verifyStandardWebhook(body, headers, secret, timestamp),
  standardTamperedBody: verifyStandardWebhook(tampered, headers, secret, timestamp),
  standardWrongSecret: verifyStandardWebhook(body, headers, '${WRONG_SECRET}', timestamp),
  standardTooOld: verifyStandardWebhook(body, headers, secret, timestamp + 301),
  standardTooNew: verifyStandardWebhook(body, headers, secret, timestamp - 301),
  standardMissingHeaders: verifyStandardWebhook(body, {}, secret, timestamp),
  pigeonValid: verifyPigeonSignature(body, headers['x-pigeon-signature'], secret),
  pigeonTamperedBody: verifyPigeonSignature(tampered, headers['x-pigeon-signature'], secret),
  pigeonWrongSecret: verifyPigeonSignature(body, headers['x-pigeon-signature'], '${WRONG_SECRET}'),
};
console.log(JSON.stringify(results));
`;

const PYTHON_DRIVER = `
import base64
import json
import sys

from verify import verify_pigeon_signature, verify_standard_webhook

with open(sys.argv[1]) as file:
    delivery = json.load(file)
body = base64.b64decode(delivery["body"])
tampered = body + b" "
headers, secret, timestamp = delivery["headers"], delivery["secret"], delivery["timestamp"]
print(json.dumps({
    "standardValid": verify_standard_webhook(body, headers, secret, timestamp),
    "standardTamperedBody": verify_standard_webhook(tampered, headers, secret, timestamp),
    "standardWrongSecret": verify_standard_webhook(body, headers, "${WRONG_SECRET}", timestamp),
    "standardTooOld": verify_standard_webhook(body, headers, secret, timestamp + 301),
    "standardTooNew": verify_standard_webhook(body, headers, secret, timestamp - 301),
    "standardMissingHeaders": verify_standard_webhook(body, {}, secret, timestamp),
    "pigeonValid": verify_pigeon_signature(body, headers.get("x-pigeon-signature"), secret),
    "pigeonTamperedBody": verify_pigeon_signature(tampered, headers.get("x-pigeon-signature"), secret),
    "pigeonWrongSecret": verify_pigeon_signature(body, headers.get("x-pigeon-signature"), "${WRONG_SECRET}"),
}))
`;

const hasPython = spawnSync('python3', ['--version']).status === 0;

describe('docs/receiving-webhooks.md', () => {
  let pigeon: PigeonUnderTest;
  let receiver: TestReceiver;
  let workDir: string;
  let deliveryFile: string;
  let request: ReceivedRequest;
  let secret: string;

  beforeAll(async () => {
    receiver = await startReceiver([200]);
    pigeon = await startPigeon();
    workDir = mkdtempSync(path.join(tmpdir(), 'pigeon-receiving-'));

    const appId = (await pigeon.request('POST', '/api/v1/applications', { name: 'Receiving', uid: 'receiving' })).json.id;
    const eventTypeId = (await pigeon.request('POST', `/api/v1/applications/${appId}/event-types`, { name: 'invoice.paid' })).json.id;
    secret = (await pigeon.request('POST', `/api/v1/applications/${appId}/endpoints`, { url: receiver.url, event_type_ids: [eventTypeId] })).json
      .signing_secret;
    // Non-ASCII text and an integer beyond 2^53 make any re-serialisation of the body visible.
    await pigeon.request(
      'POST',
      `/api/v1/applications/${appId}/messages`,
      undefined,
      { rawBody: `{"event_type_id": "${eventTypeId}", "payload": {"invoice": "in_7", "amount": 12345678901234567890123, "note": "café ☕"}}` },
    );
    request = (await receiver.waitForRequests(1))[0]!;

    const headers = Object.fromEntries(Object.entries(request.headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
    const delivery: Delivery = { body: request.body.toString('base64'), headers, secret, timestamp: Number(headers['webhook-timestamp']) };
    deliveryFile = path.join(workDir, 'delivery.json');
    writeFileSync(deliveryFile, JSON.stringify(delivery));
  });

  afterAll(async () => {
    await pigeon?.stop();
    await receiver?.stop();
    if (workDir !== undefined) {
      rmSync(workDir, { recursive: true, force: true });
    }
  });

  it('captures a delivery with both signatures', () => {
    expect(request.body.toString('utf8')).toBe('{"invoice":"in_7","amount":12345678901234567890123,"note":"café ☕"}');
    expect(request.headers['webhook-signature']).toMatch(/^v1,/);
    expect(request.headers['x-pigeon-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it('verifies with the Node.js code', () => {
    writeFileSync(path.join(workDir, 'verify.mjs'), codeBlock('js', 'export function verifyStandardWebhook'));
    writeFileSync(path.join(workDir, 'driver.mjs'), NODE_DRIVER);

    const result = spawnSync(process.execPath, [path.join(workDir, 'driver.mjs'), deliveryFile], { encoding: 'utf8', timeout: 20_000 });

    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual(CASES);
  });

  (hasPython ? it : it.skip)('verifies with the Python code', () => {
    writeFileSync(path.join(workDir, 'verify.py'), codeBlock('python', 'def verify_standard_webhook'));
    writeFileSync(path.join(workDir, 'driver.py'), PYTHON_DRIVER);

    const result = spawnSync('python3', [path.join(workDir, 'driver.py'), deliveryFile], { cwd: workDir, encoding: 'utf8', timeout: 20_000 });

    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual(CASES);
  });

  it('ships the same Node.js code in the example receiver', () => {
    expect(readFileSync(exampleReceiver, 'utf8')).toContain(codeBlock('js', 'export function verifyStandardWebhook'));
  });
});

describe('docker/example-receiver.mjs', () => {
  let pigeon: PigeonUnderTest;
  let child: ChildProcess;
  let output = '';
  let url: string;
  let secret: string;

  /** Posts `body` to the example receiver as Pigeon would, signed with `signingSecret`, and returns the status. */
  async function post(id: string, body: string, signingSecret: string): Promise<number> {
    const bytes = Buffer.from(body, 'utf8');
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await fetch(url, {
      method: 'POST',
      body: bytes,
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': standardWebhookSignatureHeader([signingSecret], id, timestamp, bytes),
        'x-pigeon-signature': pigeonSignatureHeader([signingSecret], bytes),
      },
    });

    return response.status;
  }

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}/hook`;
    pigeon = await startPigeon();

    const appId = (await pigeon.request('POST', '/api/v1/applications', { name: 'Example', uid: 'example' })).json.id;
    const eventTypeId = (await pigeon.request('POST', `/api/v1/applications/${appId}/event-types`, { name: 'order.shipped' })).json.id;
    secret = (await pigeon.request('POST', `/api/v1/applications/${appId}/endpoints`, { url, event_type_ids: [eventTypeId] })).json.signing_secret;

    child = spawn(process.execPath, [exampleReceiver], {
      env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port), WEBHOOK_SECRET: secret },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    await eventually(async () => (output.includes('example receiver listening') ? true : undefined));

    await pigeon.request('POST', `/api/v1/applications/${appId}/messages`, { event_type_id: eventTypeId, payload: { order: 42 } });
    await eventually(async () => (output.includes('processed ') ? true : undefined));
  });

  afterAll(async () => {
    await pigeon?.stop();
    child?.kill('SIGTERM');
  });

  it('accepts a real delivery with both signatures valid', () => {
    expect(output).toContain('webhook-signature valid, x-pigeon-signature valid');
    expect(output).toMatch(/processed [0-9a-f-]{36}: \{"order":42\}/);
  });

  it('answers 401 to a delivery signed with another secret', async () => {
    const status = await post('forged-1', '{"order":43}', WRONG_SECRET);

    expect(status).toBe(401);
    expect(output).not.toContain('processed forged-1');
  });

  it('skips a webhook-id it has processed', async () => {
    const id = /processed ([0-9a-f-]{36})/.exec(output)![1]!;

    const status = await post(id, '{"order":42}', secret);
    // The receiver's log line reaches this process through a pipe, possibly after the response.
    await eventually(async () => (output.includes(`duplicate ${id} ignored`) ? true : undefined), 5000).catch(() => undefined);

    expect(status).toBe(200);
    expect(output).toContain(`duplicate ${id} ignored`);
    expect(output.match(/processed /g)).toHaveLength(1);
  });
});
