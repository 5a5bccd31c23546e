#!/usr/bin/env node
import 'reflect-metadata';

import { Command, Option } from 'commander';

import { addEnvironmentHelp } from './cli-help';
import { ConfigError, loadConfig } from './config/config';
import { unknownPigeonVariables } from './config/variables';
import { runDev, runToken } from './dev/dev-command';
import { createLogger, type ProcessMode, type RunningProcess, startProcess } from './processes';
import { PIGEON_VERSION } from './version';

const MODE_DESCRIPTIONS: Readonly<Record<ProcessMode, string>> = {
  serve: 'run the HTTP API and the delivery worker in one process; applies pending migrations first',
  api: 'run only the HTTP API (no migrations, no deliveries)',
  worker: 'run only the delivery worker, with /health, /health/ready and /metrics on PIGEON_LISTEN_ADDR',
  migrate: 'apply pending database migrations and exit',
};

/** Stops gracefully on the first SIGTERM or SIGINT and at once on a second. */
function stopOnSignals(running: RunningProcess): void {
  let stopping = false;

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.exit(1);
    }
    stopping = true;
    running.runtime.logger.info('shutting down', { signal });
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        running.runtime.logger.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  };

  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

async function runMode(mode: ProcessMode): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  // A misspelled name would otherwise leave its setting at the default silently.
  for (const variable of unknownPigeonVariables(process.env)) {
    logger.warn({ variable }, 'unknown environment variable ignored');
  }
  const running = await startProcess(mode, config, logger);

  if (mode === 'migrate') {
    await running.stop();

    return;
  }

  stopOnSignals(running);
}

function parsePort(value: string, option: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    fail(new Error(`${option} ${JSON.stringify(value)} is invalid: expected a port number from 1 to 65535`));
  }

  return port;
}

function fail(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`pigeon: ${error.message}\n`);
  } else {
    process.stderr.write(`pigeon: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
}

const program = new Command()
  .name('pigeon')
  .description('Pigeon: self-hosted webhook delivery. Configuration comes from environment variables (see the README).')
  .version(PIGEON_VERSION);

for (const mode of ['serve', 'api', 'worker', 'migrate'] as const) {
  program
    .command(mode)
    .description(MODE_DESCRIPTIONS[mode])
    .action(() => runMode(mode).catch(fail));
}

program
  .command('dev')
  .description('try Pigeon locally: embedded PostgreSQL and OpenID provider, bound to 127.0.0.1, private networks allowed')
  .addOption(new Option('--data-dir <dir>', 'where the embedded database and keys live').env('PIGEON_DATA_DIR').default('./.pigeon'))
  .addOption(new Option('--port <port>', 'API port on 127.0.0.1').env('PIGEON_DEV_PORT').default('3000'))
  .addOption(new Option('--db-port <port>', 'embedded PostgreSQL port on 127.0.0.1').env('PIGEON_DEV_DB_PORT').default('54329'))
  .addOption(new Option('--issuer-port <port>', 'embedded OpenID provider port on 127.0.0.1').env('PIGEON_DEV_ISSUER_PORT').default('3001'))
  .addOption(new Option('--receiver-port <port>', 'example webhook receiver port on 127.0.0.1').env('PIGEON_DEV_RECEIVER_PORT').default('3002'))
  .action((options: { dataDir: string; port: string; dbPort: string; issuerPort: string; receiverPort: string }) =>
    runDev({
      dataDir: options.dataDir,
      port: parsePort(options.port, '--port'),
      dbPort: parsePort(options.dbPort, '--db-port'),
      issuerPort: parsePort(options.issuerPort, '--issuer-port'),
      receiverPort: parsePort(options.receiverPort, '--receiver-port'),
    }).catch(fail),
  );

program
  .command('token')
  .description('print a fresh bearer token from the OpenID provider of a running `pigeon dev`')
  .addOption(new Option('--data-dir <dir>', 'data directory of the running `pigeon dev`').env('PIGEON_DATA_DIR').default('./.pigeon'))
  .action((options: { dataDir: string }) => runToken(options.dataDir).catch(fail));

addEnvironmentHelp(program);

program.parseAsync(process.argv).catch(fail);
