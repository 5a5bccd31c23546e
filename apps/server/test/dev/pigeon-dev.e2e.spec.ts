import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { freePort } from '../../../../test-support/free-port';

jest.setTimeout(120_000);

const workspace = path.resolve(__dirname, '../../../..');
const main = path.join(workspace, 'apps/server/dist/main.js');

/** Collects a child's stdout and lets a test wait for a line matching a pattern. */
class OutputWatcher {
  text = '';

  constructor(child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => {
      this.text += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.text += chunk.toString('utf8');
    });
  }

  async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.text.match(pattern);
      if (match) {
        return match;
      }
      if (Date.now() > deadline) {
        throw new Error(`output did not match ${pattern} within ${timeoutMs} ms:\n${this.text}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('pigeon dev', () => {
  let child: ChildProcess;
  let output: OutputWatcher;
  let dataDir: string;
  let baseUrl: string;
  let token: string;

  beforeAll(async () => {
    if (!existsSync(main)) {
      execFileSync(path.join(workspace, 'node_modules/.bin/tsc'), ['-b', 'apps/server'], { cwd: workspace });
    }

    dataDir = mkdtempSync(path.join(tmpdir(), 'pigeon-dev-test-'));
    // The embedded database runs as the postgres OS user, which must reach this directory.
    chmodSync(dataDir, 0o755);
    const [port, dbPort, issuerPort, receiverPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    baseUrl = `http://127.0.0.1:${port}`;

    child = spawn(process.execPath, [main, 'dev'], {
      cwd: workspace,
      env: {
        ...process.env,
        PIGEON_DATA_DIR: path.join(dataDir, 'data'),
        PIGEON_DEV_PORT: String(port),
        PIGEON_DEV_DB_PORT: String(dbPort),
        PIGEON_DEV_ISSUER_PORT: String(issuerPort),
        PIGEON_DEV_RECEIVER_PORT: String(receiverPort),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    output = new OutputWatcher(child);

    token = (await output.waitFor(/^export PIGEON_TOKEN=(\S+)$/m))[1]!;
  });

  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function api(method: string, route: string, body?: unknown) {
    const response = await fetch(`${baseUrl}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

    return { status: response.status, json: (await response.json()) as { id: string } };
  }

  it('prints curl commands for the whole first delivery', () => {
    expect(output.text).toContain(`curl -s -X POST ${baseUrl}/api/v1/applications`);
    expect(output.text).toContain('/messages');
  });

  it('delivers a message to the example receiver', async () => {
    const receiverUrl = output.text.match(/"url\\":\\"(http:\/\/127\.0\.0\.1:\d+\/webhook)\\"/)?.[1];
    const app = await api('POST', '/api/v1/applications', { name: 'Dev test', uid: 'dev-test' });
    const eventType = await api('POST', `/api/v1/applications/${app.json.id}/event-types`, { name: 'dev.tested' });
    await api('POST', `/api/v1/applications/${app.json.id}/endpoints`, { url: receiverUrl, event_type_ids: [eventType.json.id] });

    const sent = await api('POST', `/api/v1/applications/${app.json.id}/messages`, {
      event_type_id: eventType.json.id,
      payload: { hello: 'dev' },
    });
    const received = await output.waitFor(new RegExp(`webhook received: .* id=${sent.json.id} body=(.*)$`, 'm'), 20_000);

    expect(sent.status).toBe(201);
    expect(received[1]).toBe('{"hello":"dev"}');
  });

  it('prints a fresh token that the API accepts', async () => {
    const fresh = execFileSync(process.execPath, [main, 'token'], {
      env: { ...process.env, PIGEON_DATA_DIR: path.join(dataDir, 'data') },
    })
      .toString()
      .trim();

    const response = await fetch(`${baseUrl}/api/v1/applications`, { headers: { authorization: `Bearer ${fresh}` } });

    expect(response.status).toBe(200);
  });

  it('stops cleanly on SIGINT', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    child.kill('SIGINT');

    await expect(exited).resolves.toBe(0);
  });
});
