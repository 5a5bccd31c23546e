import { createServer, type Server } from 'node:http';

import { createHttpApp } from '@pigeon/api';
import { createOidcConfig, createOrganization } from '@pigeon/domain';
import { databaseIsReady, discoverJwksUrl, runMigrations, WorkListener } from '@pigeon/infrastructure';
import type { INestApplication } from '@nestjs/common';
import pino, { type Logger as Pino } from 'pino';

import type { PigeonConfig } from './config/config';
import { buildRuntime, type Runtime } from './runtime';

export type ProcessMode = 'serve' | 'api' | 'worker' | 'migrate';

/** A started process; `stop()` shuts it down gracefully. */
export interface RunningProcess {
  readonly runtime: Runtime;
  /** Base URL of the HTTP listener, when the mode has one. */
  readonly url: string | null;
  stop(): Promise<void>;
}

export function createLogger(level: string): Pino {
  return pino({
    level,
    base: { service: 'pigeon' },
    redact: { paths: ['req.headers.authorization', 'headers.authorization'], censor: '[redacted]' },
  });
}

async function bootstrapOrganization(config: PigeonConfig, runtime: Runtime): Promise<void> {
  const { bootstrap } = config;
  if (!bootstrap.enabled) {
    return;
  }

  const now = new Date();
  const organization = createOrganization({ name: bootstrap.orgName, slug: bootstrap.orgSlug, now });
  const jwksUrl = bootstrap.jwksUrl !== '' ? bootstrap.jwksUrl : await discoverJwksUrl(bootstrap.issuerUrl, 5000);
  const oidcConfig = createOidcConfig({
    orgId: organization.id,
    issuerUrl: bootstrap.issuerUrl,
    audience: bootstrap.audience,
    jwksUrl,
    now,
  });

  const created = await runtime.organizations.bootstrap(organization, oidcConfig);
  if (created) {
    runtime.logger.info('bootstrap organization created', { orgId: organization.id, slug: organization.slug, jwksUrl });
  }
}

/** A minimal listener for a worker process, so orchestrators can probe it like the API. */
function startProbeServer(config: PigeonConfig, runtime: Runtime): Promise<Server> {
  const server = createServer((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };

    if (request.url === '/health') {
      send(200, { status: 'healthy' });
    } else if (request.url === '/health/ready') {
      void databaseIsReady(runtime.db).then((ready) => send(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' }));
    } else {
      send(404, { error: `no route for ${request.method ?? 'GET'} ${request.url ?? '/'}`, code: 'not_found' });
    }
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.listen.port, config.listen.host, () => resolve(server));
  });
}

function listenUrl(host: string, port: number): string {
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;

  return `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
}

/** Starts one of the four process modes with the given configuration. */
export async function startProcess(mode: ProcessMode, config: PigeonConfig, logger: Pino = createLogger(config.logLevel)): Promise<RunningProcess> {
  const runtime = buildRuntime(config, logger, `pigeon-${mode}`);
  await runtime.db.dataSource.initialize();

  if (mode === 'serve' || mode === 'migrate') {
    const applied = await runMigrations(runtime.db.dataSource);
    runtime.logger.info('migrations applied', { count: applied.length, migrations: applied });
  }
  if (mode === 'serve' || mode === 'api') {
    await bootstrapOrganization(config, runtime);
  }

  let app: INestApplication | null = null;
  let probe: Server | null = null;
  let url: string | null = null;

  if (mode === 'serve' || mode === 'api') {
    app = await createHttpApp({
      commands: runtime.commands,
      queries: runtime.queries,
      tokenVerifier: runtime.tokenVerifier,
      readiness: { isReady: () => databaseIsReady(runtime.db) },
      logger,
    });
    await app.listen(config.listen.port, config.listen.host);
    url = listenUrl(config.listen.host, config.listen.port);
    runtime.logger.info('http server listening', { url });
  }
  if (mode === 'worker') {
    probe = await startProbeServer(config, runtime);
    url = listenUrl(config.listen.host, config.listen.port);
  }
  let listener: WorkListener | null = null;
  if (mode === 'serve' || mode === 'worker') {
    listener = new WorkListener({
      databaseUrl: config.databaseUrl,
      onWork: () => runtime.worker.poke(),
      onError: (error) => runtime.logger.warn('work listener connection lost, polling until it is back', { error: String(error) }),
    });
    await listener.start();
    runtime.worker.start();
  }

  return {
    runtime,
    url,
    async stop() {
      // Stop taking new work first, then let in-flight deliveries finish, then close connections.
      await app?.close();
      await listener?.stop();
      await runtime.worker.stop();
      await new Promise<void>((resolve) => (probe ? probe.close(() => resolve()) : resolve()));
      runtime.sender.close();
      await runtime.db.dataSource.destroy();
    },
  };
}
