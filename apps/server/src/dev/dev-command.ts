import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

import { loadConfig } from '../config/config';
import { createLogger, type RunningProcess, startProcess } from '../processes';
import { startEmbeddedDatabase } from './embedded-database';
import { fetchDevToken, startDevIssuer } from './dev-issuer';
import { startDevReceiver } from './dev-receiver';

export interface DevOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly dbPort: number;
  readonly issuerPort: number;
  readonly receiverPort: number;
}

/** Audience (and UI client id) of the embedded provider's tokens. */
export const DEV_AUDIENCE = 'pigeon-dev';

/**
 * Returns the built web console next to this server in the workspace
 * (`apps/ui/dist`, from `apps/server/dist/dev`), or undefined when it has not
 * been built, in which case `pigeon dev` serves the API alone.
 */
export function findWebConsoleDir(): string | undefined {
  const directory = resolve(__dirname, '../../../ui/dist');

  return existsSync(join(directory, 'index.html')) ? directory : undefined;
}

function assertPortFree(port: number, variable: string): Promise<void> {
  return new Promise((done, reject) => {
    const probe = createServer();
    probe.once('error', () =>
      reject(new Error(`port ${port} on 127.0.0.1 is already in use: stop what uses it or set ${variable} to a free port`)),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => done()));
  });
}

function consoleLine(base: string, consoleDir: string | undefined): string {
  if (consoleDir === undefined) {
    return 'The web console is not built, so it is not served: run `pnpm --filter @pigeon/ui build` and restart to get it.';
  }

  return `Web console: ${base}/ (sign in with any login name and password on the dev provider's page).`;
}

function usage(base: string, receiverUrl: string, token: string, dataDir: string, consoleDir: string | undefined): string {
  const auth = `-H "Authorization: Bearer $PIGEON_TOKEN" -H 'Content-Type: application/json'`;
  const pick = `node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).id'`;
  const pickSecret = `node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).signing_secret'`;

  return [
    '',
    `Pigeon is running at ${base} (data in ${dataDir}).`,
    consoleLine(base, consoleDir),
    'Copy these into another terminal to create an application, an event type and an endpoint, and send a message:',
    '',
    `export PIGEON_TOKEN=${token}`,
    `APP=$(curl -s -X POST ${base}/api/v1/applications ${auth} -d "{\\"name\\":\\"Demo\\",\\"uid\\":\\"demo-$RANDOM\\"}" | ${pick}); echo "application $APP"`,
    `EVENT_TYPE=$(curl -s -X POST ${base}/api/v1/applications/$APP/event-types ${auth} -d '{"name":"order.created"}' | ${pick}); echo "event type $EVENT_TYPE"`,
    `ENDPOINT_JSON=$(curl -s -X POST ${base}/api/v1/applications/$APP/endpoints ${auth} -d "{\\"url\\":\\"${receiverUrl}\\",\\"event_type_ids\\":[\\"$EVENT_TYPE\\"]}")`,
    `ENDPOINT=$(echo "$ENDPOINT_JSON" | ${pick}); ENDPOINT_SECRET=$(echo "$ENDPOINT_JSON" | ${pickSecret}); echo "endpoint $ENDPOINT, signing secret $ENDPOINT_SECRET (shown only at creation)"`,
    `MESSAGE=$(curl -s -X POST ${base}/api/v1/applications/$APP/messages ${auth} -d "{\\"event_type_id\\":\\"$EVENT_TYPE\\",\\"payload\\":{\\"order_id\\":1234,\\"amount\\":99.5}}" | ${pick}); echo "message $MESSAGE"`,
    `sleep 2; curl -s ${base}/api/v1/applications/$APP/messages/$MESSAGE/attempts ${auth}; echo`,
    '',
    'The example receiver prints each webhook it gets in this terminal. Tokens last an hour:',
    '`npm run -s token` in the repository root (or `node apps/server/dist/main.js token`) prints a fresh one.',
    'Press Ctrl+C to stop.',
    '',
  ].join('\n');
}

/** Runs `pigeon dev`: embedded PostgreSQL and OpenID provider, an example receiver and `serve`, all on 127.0.0.1. */
export async function runDev(options: DevOptions): Promise<void> {
  const dataDir = resolve(options.dataDir);
  const receiverPort = options.receiverPort;
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const consoleDir = findWebConsoleDir();

  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new Error(`cannot create the data directory ${dataDir} (${(error as Error).message}): set PIGEON_DATA_DIR to a writable directory`);
  }
  await assertPortFree(options.port, 'PIGEON_DEV_PORT');

  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      await stop().catch(() => {});
    }
  };

  let running: RunningProcess;
  let token: string;
  let receiverUrl: string;
  try {
    const database = await startEmbeddedDatabase({ dataDir, port: options.dbPort, log: () => {} });
    stops.push(() => database.stop());
    const issuer = await startDevIssuer({
      port: options.issuerPort,
      host: '127.0.0.1',
      audience: DEV_AUDIENCE,
      dataDir,
      uiRedirectUris: [`http://127.0.0.1:${options.port}/auth/callback`, `http://localhost:${options.port}/auth/callback`],
    });
    stops.push(() => issuer.stop());
    const receiver = await startDevReceiver(receiverPort, print);
    stops.push(() => receiver.stop());
    receiverUrl = receiver.url;

    const config = loadConfig({
      ...process.env,
      DATABASE_URL: database.url,
      PIGEON_LISTEN_ADDR: `127.0.0.1:${options.port}`,
      PIGEON_BOOTSTRAP_ORG_ENABLED: 'true',
      PIGEON_BOOTSTRAP_OIDC_ISSUER_URL: issuer.issuerUrl,
      PIGEON_BOOTSTRAP_OIDC_AUDIENCE: DEV_AUDIENCE,
      PIGEON_BOOTSTRAP_OIDC_JWKS_URL: issuer.jwksUrl,
      PIGEON_WORKER_ALLOW_PRIVATE_NETWORKS: 'true',
      PIGEON_WORKER_POLL_INTERVAL_MS: process.env.PIGEON_WORKER_POLL_INTERVAL_MS ?? '200',
      PIGEON_LOG_LEVEL: process.env.PIGEON_LOG_LEVEL ?? 'warn',
    });
    running = await startProcess('serve', config, createLogger(config.logLevel), { staticDir: consoleDir });
    stops.push(() => running.stop());
    token = await issuer.mintToken();
  } catch (error) {
    await stopAll();
    throw error;
  }

  print(usage(running.url ?? `http://127.0.0.1:${options.port}`, receiverUrl, token, dataDir, consoleDir));

  let stopping = false;
  const onSignal = () => {
    if (stopping) {
      process.exit(1);
    }
    stopping = true;
    print('stopping Pigeon dev...');
    void stopAll().then(() => {
      print('Pigeon dev stopped.');
      process.exit(0);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** Prints a fresh token from the provider of a running `pigeon dev`. */
export async function runToken(dataDir: string): Promise<void> {
  const token = await fetchDevToken(resolve(dataDir));
  process.stdout.write(`${token}\n`);
}
