import type { Logger as Pino } from 'pino';

import { loadConfig, type PigeonConfig } from '../../src/config/config';
import { createLogger, type RunningProcess, startProcess } from '../../src/processes';
import { createTestDatabase, type TestDatabase } from '../../../../test-support/database';
import { freePort } from '../../../../test-support/free-port';
import { startTestIssuer, type TestIssuer } from '../../../../test-support/oidc-issuer';

/** A `pigeon serve` process in the test, with its own database and a local OIDC issuer. */
export interface PigeonUnderTest {
  readonly baseUrl: string;
  readonly issuer: TestIssuer;
  readonly database: TestDatabase;
  /** The configuration the process runs with, to start more processes on the same database. */
  readonly config: PigeonConfig;
  readonly process: RunningProcess;
  /** Sends a request with the bootstrap organization's token unless `token` is given (null sends none). */
  request(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse>;
  stop(): Promise<void>;
}

export interface RequestOptions {
  token?: string | null;
  headers?: Record<string, string>;
  /** Sends this text as the body instead of JSON-encoding `body`. */
  rawBody?: string;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** Parsed JSON body, or undefined when the body is empty. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary response shapes
  readonly json: any;
}

/** How to start Pigeon; by default `pigeon serve` with a silent logger. */
export interface StartOptions {
  /** `api` applies the migrations with `pigeon migrate` first, since that mode does not. */
  readonly mode?: 'serve' | 'api';
  readonly logger?: Pino;
}

export async function startPigeon(env: Record<string, string> = {}, options: StartOptions = {}): Promise<PigeonUnderTest> {
  const issuer = await startTestIssuer();
  const database = await createTestDatabase();
  const port = await freePort();
  const config = loadConfig({
    DATABASE_URL: database.url,
    PIGEON_LISTEN_ADDR: `127.0.0.1:${port}`,
    PIGEON_BOOTSTRAP_ORG_ENABLED: 'true',
    PIGEON_BOOTSTRAP_OIDC_ISSUER_URL: issuer.issuerUrl,
    PIGEON_BOOTSTRAP_OIDC_AUDIENCE: issuer.audience,
    PIGEON_WORKER_ALLOW_PRIVATE_NETWORKS: 'true',
    PIGEON_WORKER_POLL_INTERVAL_MS: '50',
    ...env,
  });
  const logger = options.logger ?? createLogger(process.env.PIGEON_TEST_LOG_LEVEL ?? 'silent');
  if (options.mode === 'api') {
    await (await startProcess('migrate', config, logger)).stop();
  }
  const running = await startProcess(options.mode ?? 'serve', config, logger);
  const baseUrl = `http://127.0.0.1:${port}`;
  const defaultToken = issuer.token();

  return {
    baseUrl,
    issuer,
    database,
    config,
    process: running,
    async request(method, path, body, options = {}) {
      const token = options.token === undefined ? defaultToken : options.token;
      const headers: Record<string, string> = { ...options.headers };
      if (token !== null) {
        headers.authorization = `Bearer ${token}`;
      }

      let payload: string | undefined = options.rawBody;
      if (payload === undefined && body !== undefined) {
        payload = JSON.stringify(body);
      }
      if (payload !== undefined && headers['content-type'] === undefined) {
        headers['content-type'] = 'application/json';
      }

      const response = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
      const text = await response.text();

      return { status: response.status, headers: response.headers, text, json: text === '' ? undefined : JSON.parse(text) };
    },
    async stop() {
      await running.stop();
      await issuer.stop();
      await database.drop();
    },
  };
}
