import type { Server } from 'node:http';

import { createHttpApp, type HttpAppOptions } from '@pigeon/api';
import { createOidcConfig, createOrganization } from '@pigeon/domain';
import { databaseIsReady, discoverJwksUrl, runMigrations, WorkListener } from '@pigeon/infrastructure';
import type { INestApplication } from '@nestjs/common';
import pino, { type DestinationStream, type Logger as Pino } from 'pino';

import type { PigeonConfig } from './config/config';
import { startProbeServer } from './probe-server';
import { buildRuntime, type Runtime } from './runtime';
import { PIGEON_VERSION } from './version';

export type ProcessMode = 'serve' | 'api' | 'worker' | 'migrate';

/** A started process; `stop()` shuts it down gracefully. */
export interface RunningProcess {
  readonly runtime: Runtime;
  /** Base URL of the HTTP listener, when the mode has one. */
  readonly url: string | null;
  stop(): Promise<void>;
}

/** Creates the process logger, which writes JSON lines to stdout, or to `destination` when given (tests capture lines that way). */
export function createLogger(level: string, destination?: DestinationStream): Pino {
  const options = {
    level,
    base: { service: 'pigeon' },
    redact: { paths: ['req.headers.authorization', 'headers.authorization'], censor: '[redacted]' },
  };

  return destination === undefined ? pino(options) : pino(options, destination);
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

/**
 * Finds the admin organization: the one with the bootstrap slug, looked up once
 * per process. None when bootstrapping is off or the slug names no organization,
 * which turns the admin API off.
 */
async function resolveAdminOrganization(config: PigeonConfig, runtime: Runtime): Promise<string | null> {
  if (!config.bootstrap.enabled) {
    return null;
  }

  const organization = await runtime.organizations.findBySlug(config.bootstrap.orgSlug);
  if (organization === null) {
    runtime.logger.warn('admin API disabled: no organization has the bootstrap slug', { slug: config.bootstrap.orgSlug });

    return null;
  }

  return organization.id;
}

/** Delay before the first retention run, so start-up is not slowed by a large backlog. */
const RETENTION_FIRST_RUN_MS = 30_000;

interface Scheduled {
  stop(): Promise<void>;
}

/** Runs `task` after `firstDelayMs` and then every `intervalMs`, never two runs at once; `stop()` waits for a running one. */
function schedule(intervalMs: number, firstDelayMs: number, task: () => Promise<void>, onError: (error: unknown) => void): Scheduled {
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const tick = (delayMs: number) => {
    timer = setTimeout(() => {
      running = task()
        .catch(onError)
        .finally(() => {
          running = null;
          if (!stopped) {
            tick(intervalMs);
          }
        });
    }, delayMs);
    timer.unref();
  };
  tick(Math.min(firstDelayMs, intervalMs));

  return {
    async stop() {
      stopped = true;
      if (timer !== null) {
        clearTimeout(timer);
      }
      await running;
    },
  };
}

/** Builds the HTTP API's options from a runtime. `pigeon serve`, `pigeon api` and the OpenAPI export share them. */
export function httpAppOptions(runtime: Runtime, logger: Pino): HttpAppOptions {
  return {
    commands: runtime.commands,
    queries: runtime.queries,
    tokenVerifier: runtime.tokenVerifier,
    readiness: { isReady: () => databaseIsReady(runtime.db) },
    logger,
    metrics: runtime.metrics,
    version: PIGEON_VERSION,
  };
}

function listenUrl(host: string, port: number): string {
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;

  return `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
}

/** Extras of {@link startProcess} that only `pigeon dev` sets. */
export interface StartProcessOptions {
  /** Folder of the built web console, served by the HTTP listener next to the API. */
  readonly staticDir?: string;
}

/** Starts one of the four process modes with the given configuration. */
export async function startProcess(
  mode: ProcessMode,
  config: PigeonConfig,
  logger: Pino = createLogger(config.logLevel),
  options: StartProcessOptions = {},
): Promise<RunningProcess> {
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
    const adminOrgId = await resolveAdminOrganization(config, runtime);
    app = await createHttpApp({ ...httpAppOptions(runtime, logger), adminOrgId, staticDir: options.staticDir });
    await app.listen(config.listen.port, config.listen.host);
    url = listenUrl(config.listen.host, config.listen.port);
    runtime.logger.info('http server listening', { url });
  }
  if (mode === 'worker') {
    probe = await startProbeServer({
      host: config.listen.host,
      port: config.listen.port,
      isReady: () => databaseIsReady(runtime.db),
      metrics: runtime.metrics,
      logger: runtime.logger,
    });
    url = listenUrl(config.listen.host, config.listen.port);
  }
  let listener: WorkListener | null = null;
  let retention: Scheduled | null = null;
  if (mode === 'serve' || mode === 'worker') {
    listener = new WorkListener({
      databaseUrl: config.databaseUrl,
      onWork: () => runtime.worker.poke(),
      onError: (error) => runtime.logger.warn('work listener connection lost, polling until it is back', { error: String(error) }),
    });
    await listener.start();
    runtime.worker.start();
    runtime.outbox.start();
    retention = schedule(config.worker.cleanupIntervalSeconds * 1000, RETENTION_FIRST_RUN_MS, async () => {
      await runtime.retention.runOnce();
    }, (error) => runtime.logger.error('retention run failed', { error: String(error) }));
  }

  return {
    runtime,
    url,
    async stop() {
      // Stop taking new work first, then let in-flight deliveries finish, then close connections.
      await app?.close();
      await listener?.stop();
      await retention?.stop();
      await runtime.worker.stop();
      // Events still unprocessed stay in the outbox for the next process.
      await runtime.outbox.stop();
      await new Promise<void>((resolve) => (probe ? probe.close(() => resolve()) : resolve()));
      runtime.sender.close();
      await runtime.db.dataSource.destroy();
    },
  };
}
