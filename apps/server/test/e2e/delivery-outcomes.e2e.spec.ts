import { freePort } from '../../../../test-support/free-port';
import { eventually, type ReceiverReply, startReceiver, type TestReceiver } from '../../../../test-support/receiver';
import { type PigeonUnderTest, startPigeon } from '../support/pigeon-harness';

jest.setTimeout(60_000);

interface AttemptBody {
  status: string;
  response_code: number | null;
  response_body: string | null;
  error: string | null;
  attempted_at: string | null;
  next_attempt_at: string | null;
  attempt_number: number;
  duration_ms: number | null;
}

/** Sends messages to endpoints of one application and reads back their first attempt. */
class DeliveryProbe {
  private appId = '';
  private endpoints = 0;

  constructor(private readonly pigeon: PigeonUnderTest) {}

  async setUp(uid: string): Promise<void> {
    this.appId = (await this.pigeon.request('POST', '/api/v1/applications', { name: uid, uid })).json.id;
  }

  /** Creates an endpoint for `url` with an event type of its own, sends one message to it and returns the message id. */
  async deliverTo(url: string): Promise<string> {
    this.endpoints += 1;
    const eventType = await this.pigeon.request('POST', `/api/v1/applications/${this.appId}/event-types`, {
      name: `probe.${this.endpoints}`,
    });
    const endpoint = await this.pigeon.request('POST', `/api/v1/applications/${this.appId}/endpoints`, {
      url,
      event_type_ids: [eventType.json.id],
    });
    expect(endpoint.status).toBe(201);

    const sent = await this.pigeon.request('POST', `/api/v1/applications/${this.appId}/messages`, {
      event_type_id: eventType.json.id,
      payload: { probe: this.endpoints },
    });

    return sent.json.id;
  }

  /** Waits until the message's attempt has been tried at least once and returns it. */
  firstTry(messageId: string, timeoutMs = 20_000): Promise<AttemptBody> {
    return eventually(
      async () => {
        const response = await this.pigeon.request('GET', `/api/v1/applications/${this.appId}/messages/${messageId}/attempts`);
        const attempt = (response.json as AttemptBody[])[0];

        return attempt?.attempted_at ? attempt : undefined;
      },
      timeoutMs,
      'first try recorded',
    );
  }
}

function waitMs(attempt: AttemptBody): number {
  return Date.parse(attempt.next_attempt_at!) - Date.parse(attempt.attempted_at!);
}

describe('delivery outcomes', () => {
  let pigeon: PigeonUnderTest;
  let probe: DeliveryProbe;
  const receivers: TestReceiver[] = [];

  async function receiver(reply: (index: number) => ReceiverReply): Promise<TestReceiver> {
    const started = await startReceiver([200], { reply });
    receivers.push(started);

    return started;
  }

  beforeAll(async () => {
    // The base backoff outlasts each test, so the first try's record is never overwritten by a second try.
    pigeon = await startPigeon({
      PIGEON_WORKER_BACKOFF_BASE_SECS: '5',
      PIGEON_WORKER_MAX_BACKOFF_SECS: '30',
      PIGEON_WORKER_MAX_RETRIES: '3',
      PIGEON_WORKER_HTTP_TIMEOUT_SECS: '1',
      PIGEON_WORKER_RESPONSE_BODY_MAX_BYTES: '4096',
    });
    probe = new DeliveryProbe(pigeon);
    await probe.setUp('outcomes');
  });

  afterAll(async () => {
    await pigeon?.stop();
    await Promise.all(receivers.map((started) => started.stop()));
  });

  describe('Retry-After', () => {
    it('lengthens the wait after a 429', async () => {
      const target = await receiver(() => ({ status: 429, headers: { 'retry-after': '20' } }));

      const attempt = await probe.firstTry(await probe.deliverTo(target.url));

      expect(attempt.status).toBe('pending');
      expect(attempt.response_code).toBe(429);
      expect(Math.abs(waitMs(attempt) - 20_000)).toBeLessThanOrEqual(2);
    });

    it('lengthens the wait after a 503 with an HTTP date', async () => {
      const retryAt = new Date(Date.now() + 20_000).toUTCString();
      const target = await receiver(() => ({ status: 503, headers: { 'retry-after': retryAt } }));

      const attempt = await probe.firstTry(await probe.deliverTo(target.url));

      expect(attempt.response_code).toBe(503);
      expect(waitMs(attempt)).toBeGreaterThanOrEqual(17_000);
      expect(waitMs(attempt)).toBeLessThanOrEqual(21_000);
    });

    it('never waits past the max backoff', async () => {
      const target = await receiver(() => ({ status: 503, headers: { 'retry-after': '3600' } }));

      const attempt = await probe.firstTry(await probe.deliverTo(target.url));

      expect(attempt.response_code).toBe(503);
      expect(Math.abs(waitMs(attempt) - 30_000)).toBeLessThanOrEqual(2);
    });

    it('keeps the normal backoff without the header', async () => {
      const target = await receiver(() => ({ status: 503 }));

      const attempt = await probe.firstTry(await probe.deliverTo(target.url));

      expect(attempt.response_code).toBe(503);
      expect(waitMs(attempt)).toBeGreaterThanOrEqual(4_498);
      expect(waitMs(attempt)).toBeLessThanOrEqual(5_502);
    });
  });

  it.each([301, 302, 303, 307, 308])('does not follow a %i redirect', async (status) => {
    const redirectTarget = await receiver(() => ({ status: 200 }));
    const redirecting = await receiver(() => ({ status, headers: { location: redirectTarget.url } }));

    const attempt = await probe.firstTry(await probe.deliverTo(redirecting.url));

    expect(attempt.status).toBe('pending');
    expect(attempt.response_code).toBe(status);
    expect(attempt.error).toBeNull();
    expect(redirecting.requests).toHaveLength(1);
    expect(redirectTarget.requests).toHaveLength(0);
  });

  it('stores connection refused for a closed port', async () => {
    const closedPort = await freePort();

    const attempt = await probe.firstTry(await probe.deliverTo(`http://127.0.0.1:${closedPort}/hook`));

    expect(attempt.response_code).toBeNull();
    expect(attempt.response_body).toBeNull();
    expect(attempt.error).toBe('connection refused');
  });

  it('ends a trickling response at the timeout', async () => {
    const trickling = await receiver(() => ({ status: 200, trickleIntervalMs: 100 }));

    const attempt = await probe.firstTry(await probe.deliverTo(trickling.url));

    expect(attempt.status).toBe('pending');
    expect(attempt.response_code).toBeNull();
    expect(attempt.error).toBe('timed out after 1 s');
    expect(attempt.duration_ms).toBeGreaterThanOrEqual(1000);
    expect(attempt.duration_ms).toBeLessThan(3000);
  });

  it('cuts a 1 MiB response body at the cap', async () => {
    const large = await receiver(() => ({ status: 200, body: Buffer.alloc(1024 * 1024, 'x') }));

    const attempt = await probe.firstTry(await probe.deliverTo(large.url));

    expect(attempt.status).toBe('succeeded');
    expect(attempt.response_body).toBe('x'.repeat(4096));
  });
});

describe('destination guard', () => {
  const receivers: TestReceiver[] = [];

  afterAll(async () => {
    await Promise.all(receivers.map((started) => started.stop()));
  });

  async function receiver(): Promise<TestReceiver> {
    const started = await startReceiver([200]);
    receivers.push(started);

    return started;
  }

  function localhostUrl(target: TestReceiver): string {
    return target.url.replace('127.0.0.1', 'localhost');
  }

  describe('when on', () => {
    let pigeon: PigeonUnderTest;
    let probe: DeliveryProbe;

    beforeAll(async () => {
      pigeon = await startPigeon({ PIGEON_WORKER_ALLOW_PRIVATE_NETWORKS: 'false' });
      probe = new DeliveryProbe(pigeon);
      await probe.setUp('guarded');
    });

    afterAll(async () => {
      await pigeon?.stop();
    });

    it('refuses 127.0.0.1 before connecting', async () => {
      const target = await receiver();

      const attempt = await probe.firstTry(await probe.deliverTo(target.url));

      expect(attempt.response_code).toBeNull();
      expect(attempt.error).toBe('blocked destination 127.0.0.1: loopback');
      expect(target.requests).toHaveLength(0);
    });

    it('refuses localhost after resolving it', async () => {
      const target = await receiver();

      const attempt = await probe.firstTry(await probe.deliverTo(localhostUrl(target)));

      expect(attempt.error).toBe('blocked destination 127.0.0.1: loopback');
      expect(target.requests).toHaveLength(0);
    });

    it('refuses the IPv6 loopback', async () => {
      const port = await freePort();

      const attempt = await probe.firstTry(await probe.deliverTo(`http://[::1]:${port}/hook`));

      expect(attempt.error).toBe('blocked destination ::1: loopback');
    });
  });

  describe('with loopback in PIGEON_WORKER_ALLOWED_CIDRS', () => {
    let pigeon: PigeonUnderTest;
    let probe: DeliveryProbe;

    beforeAll(async () => {
      pigeon = await startPigeon({ PIGEON_WORKER_ALLOW_PRIVATE_NETWORKS: 'false', PIGEON_WORKER_ALLOWED_CIDRS: '127.0.0.0/8' });
      probe = new DeliveryProbe(pigeon);
      await probe.setUp('exempted');
    });

    afterAll(async () => {
      await pigeon?.stop();
    });

    it('delivers to 127.0.0.1', async () => {
      const target = await receiver();

      const attempt = await probe.firstTry(await probe.deliverTo(target.url));

      expect(attempt.status).toBe('succeeded');
      expect(target.requests).toHaveLength(1);
    });

    it('delivers to localhost', async () => {
      const target = await receiver();

      const attempt = await probe.firstTry(await probe.deliverTo(localhostUrl(target)));

      expect(attempt.status).toBe('succeeded');
      expect(target.requests).toHaveLength(1);
    });
  });
});
