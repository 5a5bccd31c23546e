import { createHmac } from 'node:crypto';

import { Webhook } from 'standardwebhooks';

import { startReceiver, type TestReceiver } from '../../../../test-support/receiver';
import { type PigeonUnderTest, startPigeon } from '../support/pigeon-harness';

jest.setTimeout(60_000);

/**
 * Payloads as a client writes them, with the compact bytes every delivery must
 * carry: whitespace outside strings goes, everything else stays as written.
 */
const CASES: ReadonlyArray<readonly [string, string, string]> = [
  ['duplicate keys', `{"a": 1, "b": 2, "a": 3}`, `{"a":1,"b":2,"a":3}`],
  ['negative zero', `{"int": -0, "float": -0.0, "exp": -0e0}`, `{"int":-0,"float":-0.0,"exp":-0e0}`],
  [
    'numbers beyond double precision',
    `{"neg": -123456789012345678901234567890, "pos": 9007199254740993, "frac": 0.30000000000000000000001}`,
    `{"neg":-123456789012345678901234567890,"pos":9007199254740993,"frac":0.30000000000000000000001}`,
  ],
  ['number spellings', `{"a": 1e21, "b": 1E+2, "c": 1.50, "d": 5e-324}`, `{"a":1e21,"b":1E+2,"c":1.50,"d":5e-324}`],
  [
    'escapes',
    `{"slash": "a\\/b", "nul": "\\u0000", "pair": "\\ud83d\\ude00", "ctl": "\\n\\t\\r\\b\\f", "quote": "\\"\\\\"}`,
    `{"slash":"a\\/b","nul":"\\u0000","pair":"\\ud83d\\ude00","ctl":"\\n\\t\\r\\b\\f","quote":"\\"\\\\"}`,
  ],
  ['emoji and non-Latin keys', `{"🐦": "🐦‍⬛", "ключ": "값", "e\\u0301": "é"}`, `{"🐦":"🐦‍⬛","ключ":"값","e\\u0301":"é"}`],
  ['spaces inside strings', `{ "text" : "  two  spaces\\t" }`, `{"text":"  two  spaces\\t"}`],
  [
    'nested arrays',
    `{"m": [[[]], [{"x": [1, [2, [3, [4]]]]}], [null, true, false, ""]]}`,
    `{"m":[[[]],[{"x":[1,[2,[3,[4]]]]}],[null,true,false,""]]}`,
  ],
  ['empty object', `{}`, `{}`],
];

describe('payload fidelity', () => {
  let pigeon: PigeonUnderTest;
  let receiver: TestReceiver;
  let appId: string;
  let eventTypeId: string;
  let secret: string;

  beforeAll(async () => {
    receiver = await startReceiver([200]);
    pigeon = await startPigeon();
    appId = (await pigeon.request('POST', '/api/v1/applications', { name: 'Fidelity', uid: 'fidelity' })).json.id;
    eventTypeId = (await pigeon.request('POST', `/api/v1/applications/${appId}/event-types`, { name: 'exact.bytes' })).json.id;
    const endpoint = await pigeon.request('POST', `/api/v1/applications/${appId}/endpoints`, {
      url: receiver.url,
      event_type_ids: [eventTypeId],
    });
    secret = endpoint.json.signing_secret;
  });

  afterAll(async () => {
    await pigeon?.stop();
    await receiver?.stop();
  });

  describe.each(CASES)('with %s', (_name, written, compact) => {
    let messageId: string;
    let body: Buffer;
    let headers: Record<string, string>;

    beforeAll(async () => {
      const sent = await pigeon.request('POST', `/api/v1/applications/${appId}/messages`, undefined, {
        rawBody: `{"event_type_id": "${eventTypeId}", "payload": ${written}}`,
      });
      expect(sent.status).toBe(201);
      messageId = sent.json.id;

      const received = await receiver.waitForRequests(receiver.requests.length + 1);
      const request = received.find((candidate) => candidate.headers['webhook-id'] === messageId)!;
      body = request.body;
      headers = {
        'x-pigeon-signature': String(request.headers['x-pigeon-signature']),
        'webhook-id': String(request.headers['webhook-id']),
        'webhook-timestamp': String(request.headers['webhook-timestamp']),
        'webhook-signature': String(request.headers['webhook-signature']),
      };
    });

    it('delivers the compact bytes', () => {
      expect(body.toString('utf8')).toBe(compact);
    });

    it('signs exactly those bytes', () => {
      const expected = createHmac('sha256', secret).update(body).digest('hex');

      expect(headers['x-pigeon-signature']).toBe(`sha256=${expected}`);
      expect(() => new Webhook(secret).verify(body.toString('utf8'), headers)).not.toThrow();
    });

    it('echoes the same text from the API', async () => {
      const message = await pigeon.request('GET', `/api/v1/applications/${appId}/messages/${messageId}`);

      expect(message.text).toContain(`"payload":${compact}`);
    });
  });
});
