// The systems under test. Each adapter resets its database, starts its service
// (API and worker in one Node process), returns the load generator's arguments
// for it, and reads back what it stored.
//
// - pigeon: `node apps/server/dist/main.js serve` through its HTTP API, with a
//   local OpenID issuer for the bearer token.
// - ideal: baseline-ideal.mjs of the pigeon-bench kit 0.1.0, a hand-written
//   minimal pipeline doing the same work, run from an installed copy of the
//   kit given by --ideal-kit. It is not part of this repository.
import { existsSync, openSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import pg from 'pg';

import { spawnTracked, stopChild } from './children.mjs';
import { databaseUrl, recreateDatabase } from './databases.mjs';
import { startIssuer } from './oidc-issuer.mjs';
import { freePort, requestOk, waitForHttp } from './util.mjs';

const EVENT_TYPE = 'order.created';
const OTHER_EVENT_TYPE = 'invoice.paid';

/**
 * Waits for `url` to respond with 2xx, or rejects as soon as `child` exits, so
 * a service that fails at start-up is reported at once.
 */
async function waitForStartup(child, url, name, logFile) {
  let onExit;
  const exited = new Promise((_, reject) => {
    onExit = (code, signal) => {
      reject(new Error(`${name} exited with ${code ?? signal} during start-up; its output is in ${logFile ?? 'no file (give --log-dir)'}`));
    };
    child.once('exit', onExit);
  });

  try {
    await Promise.race([waitForHttp(url, { timeoutMs: 60_000 }), exited]);
  } finally {
    child.off('exit', onExit);
  }
}

/** Paths on the sink of the subscribed endpoints: /e/1 ... /e/N. */
export function endpointPaths(count) {
  return Array.from({ length: count }, (_, i) => `/e/${i + 1}`);
}

/**
 * Pigeon's `serve` process from the built workspace `workspace`, reported as
 * `label`. `env` adds or overrides server settings; `nodeArgs` go before the
 * script (for example `--cpu-prof`).
 */
export function pigeonSystem({ label = 'pigeon', workspace, adminUrl, database, env = {}, nodeArgs = [], logFile }) {
  const main = path.join(workspace, 'apps/server/dist/main.js');
  const url = databaseUrl(adminUrl, database);

  return {
    name: label,
    database,
    databaseUrl: url,

    async prepare() {
      if (!existsSync(main)) {
        throw new Error(`${main} is missing: build the server first with \`pnpm exec tsc -b\``);
      }
      await recreateDatabase(adminUrl, database);
    },

    async start({ sinkPort, endpoints, maxSeconds }) {
      const issuer = await startIssuer();
      const output = logFile ? openSync(logFile, 'a') : 'ignore';
      const processes = [];

      // `pigeon serve` and the other modes have no lifetime limit of their own, hence the timer.
      const spawnPigeon = async (mode, port) => {
        const child = spawnTracked(process.execPath, [...nodeArgs, main, mode], {
          cwd: workspace,
          env: {
            ...process.env,
            DATABASE_URL: url,
            PIGEON_LISTEN_ADDR: `127.0.0.1:${port}`,
            PIGEON_LOG_LEVEL: 'warn',
            PIGEON_BOOTSTRAP_ORG_ENABLED: 'true',
            PIGEON_BOOTSTRAP_OIDC_ISSUER_URL: issuer.issuerUrl,
            PIGEON_BOOTSTRAP_OIDC_AUDIENCE: issuer.audience,
            // The sink listens on loopback, which the destination guard blocks by default.
            PIGEON_WORKER_ALLOW_PRIVATE_NETWORKS: 'true',
            ...env,
          },
          stdio: ['ignore', output, output],
        });
        const lifetime = setTimeout(() => stopChild(child, `pigeon ${mode}`), maxSeconds * 1000);
        lifetime.unref();
        const running = { child, mode, port, lifetime };
        processes.push(running);

        await waitForStartup(child, `http://127.0.0.1:${port}/health/ready`, `pigeon ${mode}`, logFile);

        return running;
      };
      const stopPigeon = async (running) => {
        clearTimeout(running.lifetime);
        await stopChild(running.child, `pigeon ${running.mode}`);
      };
      const stopAll = async () => {
        for (const running of processes) {
          await stopPigeon(running);
        }
        await issuer.stop();
      };

      let api;
      try {
        api = await spawnPigeon('serve', await freePort());
      } catch (error) {
        await stopAll();
        throw error;
      }

      const apiUrl = `http://127.0.0.1:${api.port}`;
      const token = issuer.token();
      const headers = { authorization: `Bearer ${token}` };
      const post = async (route, body) => (await requestOk(`${apiUrl}${route}`, { method: 'POST', body, headers })).json;

      const app = await post('/api/v1/applications', { name: 'Bench', uid: 'bench' });
      const eventType = await post(`/api/v1/applications/${app.id}/event-types`, { name: EVENT_TYPE });
      const secrets = {};
      for (const endpointPath of endpointPaths(endpoints)) {
        const endpoint = await post(`/api/v1/applications/${app.id}/endpoints`, {
          url: `http://127.0.0.1:${sinkPort}${endpointPath}`,
          event_type_ids: [eventType.id],
        });
        secrets[endpointPath] = endpoint.signing_secret;
      }
      // An endpoint on another event type, so the fan-out has something to filter out, as in the minimal pipeline.
      const other = await post(`/api/v1/applications/${app.id}/event-types`, { name: OTHER_EVENT_TYPE });
      const otherEndpoint = await post(`/api/v1/applications/${app.id}/endpoints`, {
        url: `http://127.0.0.1:${sinkPort}/other`,
        event_type_ids: [other.id],
      });
      secrets['/other'] = otherEndpoint.signing_secret;

      return {
        get pid() {
          return api.child.pid;
        },
        sinkSecrets: secrets,
        loadgenArgs: ['--url', `${apiUrl}/api/v1/applications/${app.id}/messages`, '--event-type-id', eventType.id],
        loadgenEnv: { ...process.env, BENCH_TOKEN: token },

        /** Replaces `pigeon serve` by `pigeon api` on the same port, so messages are stored but not delivered. */
        async stopDelivering() {
          await stopPigeon(api);
          api = await spawnPigeon('api', api.port);
        },

        /** Starts a `pigeon worker` process and returns its PID. */
        async startDelivering() {
          const worker = await spawnPigeon('worker', await freePort());

          return worker.child.pid;
        },

        stop: stopAll,
      };
    },

    /** Id and accept time (`messages.created_at`, epoch ms) of every stored message. */
    async messages(client) {
      const { rows } = await client.query(`SELECT id::text AS id, extract(epoch FROM created_at) * 1000 AS t FROM messages`);

      return rows;
    },

    /** Counts messages and attempts by outcome in the database, warm-up included. */
    async verify(client) {
      const byStatus = await client.query(`SELECT status, count(*)::int AS n FROM attempts GROUP BY status ORDER BY status`);
      const totals = await client.query(
        `SELECT (SELECT count(*)::int FROM messages) AS messages,
                (SELECT count(*)::int FROM attempts) AS attempts,
                (SELECT count(*)::int FROM attempts WHERE attempt_number > 1) AS retried,
                (SELECT count(*)::int FROM dead_letters) AS dead_letters,
                (SELECT coalesce(sum(attempts_created), 0)::int FROM message_delivery_status) AS attempts_created,
                (SELECT coalesce(sum(succeeded), 0)::int FROM message_delivery_status) AS succeeded`,
      );

      return { attemptsByStatus: Object.fromEntries(byStatus.rows.map((row) => [row.status, row.n])), ...totals.rows[0] };
    },
  };
}

/**
 * Loads the kit's minimal pipeline, which runs as `baseline-ideal.mjs --role
 * service` from `kitDir` with the kit's default settings. Its tables are
 * created with the kit's own schema and seed code.
 */
export async function idealSystem({ kitDir, adminUrl, database, logFile }) {
  const script = path.join(kitDir, 'baseline-ideal.mjs');
  if (!existsSync(script) || !existsSync(path.join(kitDir, 'node_modules/undici'))) {
    throw new Error(`--ideal-kit ${kitDir} must be an installed copy of the bench kit (baseline-ideal.mjs and node_modules from \`npm ci\`)`);
  }

  const common = await import(pathToFileURL(path.join(kitDir, 'lib/common.mjs')).href);
  const ideal = await import(pathToFileURL(script).href);
  const url = new URL(databaseUrl(adminUrl, database));
  // The kit reads its connection from libpq variables.
  const pgEnv = {
    PGHOST: url.hostname,
    PGPORT: url.port || '5432',
    PGUSER: decodeURIComponent(url.username) || 'postgres',
    PGPASSWORD: decodeURIComponent(url.password),
    PGDATABASE: database,
  };

  return {
    name: 'ideal',
    database,
    databaseUrl: url.toString(),

    async prepare({ sinkPort, endpoints }) {
      await recreateDatabase(adminUrl, database);

      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        await client.query('SET client_min_messages = warning');
        await ideal.setup(client, {}, 'before');
        await client.query(common.BASE_SCHEMA);
        await ideal.setup(client, {}, 'after');
        await common.seedEndpoints(client, { endpoints, sinkPort, secret: 'whsec_bench_secret' });
        await client.query('VACUUM ANALYZE endpoints');
        await client.query('VACUUM ANALYZE subscriptions');
      } finally {
        await client.end();
      }
    },

    async start({ maxSeconds }) {
      const port = await freePort();
      const output = logFile ? openSync(logFile, 'a') : 'ignore';
      const baseOptions = { ...ideal.defaults, apiPort: port, maxSeconds, sync: 'on' };

      // With split, the service stores messages and starts its worker loops only on POST /_control/start-worker.
      const spawnService = async (split) => {
        const child = spawnTracked(process.execPath, [script, '--role', 'service'], {
          cwd: kitDir,
          env: { ...process.env, ...pgEnv, BENCH_OPTS: JSON.stringify({ ...baseOptions, split }) },
          stdio: ['ignore', output, output],
        });
        try {
          await waitForStartup(child, `http://127.0.0.1:${port}/health`, 'ideal service', logFile);
        } catch (error) {
          await stopChild(child, 'ideal service');
          throw error;
        }

        return child;
      };

      let child = await spawnService(false);

      return {
        get pid() {
          return child.pid;
        },
        sinkSecrets: {},
        sinkDefaultSecret: 'whsec_bench_secret',
        loadgenArgs: ['--url', `http://127.0.0.1:${port}/messages`, '--event-type', EVENT_TYPE],
        loadgenEnv: process.env,
        describe: ideal.describe(baseOptions),

        /** Restarts the service with its worker stopped, as the kit's --split runs do. */
        async stopDelivering() {
          await stopChild(child, 'ideal service');
          child = await spawnService(true);
        },

        /** Starts the worker loops inside the service and returns the service's PID. */
        async startDelivering() {
          await requestOk(`http://127.0.0.1:${port}/_control/start-worker`, { method: 'POST' });

          return child.pid;
        },

        stop: () => stopChild(child, 'ideal service'),
      };
    },

    async messages(client) {
      const { rows } = await client.query(`SELECT id::text AS id, extract(epoch FROM created_at) * 1000 AS t FROM messages`);

      return rows;
    },

    async verify(client) {
      const byStatus = await client.query(`SELECT status, count(*)::int AS n FROM attempts GROUP BY status ORDER BY status`);
      const totals = await client.query(
        `SELECT (SELECT count(*)::int FROM messages) AS messages,
                (SELECT count(*)::int FROM attempts) AS attempts,
                (SELECT count(*)::int FROM attempts WHERE attempts > 1) AS retried`,
      );
      // The kit stores status 0 pending, 1 succeeded, 2 dead.
      const names = { 0: 'pending', 1: 'succeeded', 2: 'failed' };

      return { attemptsByStatus: Object.fromEntries(byStatus.rows.map((row) => [names[row.status] ?? row.status, row.n])), ...totals.rows[0] };
    },
  };
}
