// One measured run of one system on one workload:
// reset the database -> start the system and the sink -> warm-up -> wait for a
// quiet machine -> load -> wait for every delivery -> measure -> stop everything.
//
// The figures are defined as in the pigeon-bench kit, so the two systems are
// compared on equal terms:
// - ingest msgs/s: messages accepted (2xx) / load generator wall time;
// - deliveries/s: distinct (endpoint, message) deliveries at the sink /
//   (last receipt - first measured message's created_at);
// - latency: sink receipt time - messages.created_at, for every delivery;
// - CPU: seconds of each process over the window from the start of the load to
//   the last delivery, as % of one core.
import { cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import pg from 'pg';

import { runJsonScript, spawnTracked, stopChild } from './children.mjs';
import { describeServer } from './databases.mjs';
import { loadAverage, machineCpuSeconds, PostgresCpuTracker, processCpuSeconds, processMemoryMiB, readStat } from './proc-stats.mjs';
import { endpointPaths } from './systems.mjs';
import { freePort, nowMs, percentiles, request, round1, round3, sleep, waitForHttp } from './util.mjs';

const libDirectory = path.dirname(fileURLToPath(import.meta.url));
const SINK = path.join(libDirectory, '..', 'sink.mjs');
const LOADGEN = path.join(libDirectory, '..', 'loadgen.mjs');

/**
 * Waits, at most `maxWaitS`, for a 1-second window in which the machine's busy
 * CPU (all cores) is under `pct` percent. Returns the wait and the last window's figure.
 */
async function waitForQuietMachine(pct, maxWaitS) {
  const cores = cpus().length;
  const startedAt = nowMs();
  let busyPct = null;

  for (let window = 0; window <= maxWaitS; window++) {
    const before = machineCpuSeconds().busy;
    await sleep(1000);
    busyPct = Math.round((100 * (machineCpuSeconds().busy - before)) / cores);
    if (busyPct < pct) {
      break;
    }
  }

  return { waitedS: round1((nowMs() - startedAt) / 1000), busyPct, loadAverage1m: loadAverage() };
}

async function sinkStats(sinkUrl) {
  return (await request(`${sinkUrl}/stats`)).json;
}

/** Waits until the sink has `expected` distinct deliveries, no progress for `stallS`, or `timeoutS` passed. */
async function waitForDeliveries(sinkUrl, expected, { timeoutS, stallS }) {
  const deadline = nowMs() + timeoutS * 1000;
  let stats = await sinkStats(sinkUrl);
  let lastProgressAt = nowMs();
  let lastDistinct = stats.distinct;

  while (stats.distinct < expected && nowMs() < deadline && nowMs() - lastProgressAt < stallS * 1000) {
    await sleep(50);
    stats = await sinkStats(sinkUrl);
    if (stats.distinct !== lastDistinct) {
      lastDistinct = stats.distinct;
      lastProgressAt = nowMs();
    }
  }

  return stats;
}

/**
 * Matches the sink's receipts with the measured messages. Returns the latency
 * of every delivery, the deliveries that never arrived (lost) and receipts of
 * no measured message (unexpected).
 */
function matchReceipts(receiptsText, messages, paths) {
  const acceptedAt = new Map(messages.map((row) => [row.id, Number(row.t)]));
  const received = new Set();
  const latencies = [];
  let unexpected = 0;

  for (const line of receiptsText.split('\n')) {
    if (line === '') {
      continue;
    }
    const [receiptPath, id, time] = line.split('\t');
    const accepted = acceptedAt.get(id);
    if (accepted === undefined || !paths.includes(receiptPath)) {
      unexpected++;
      continue;
    }
    received.add(`${receiptPath}|${id}`);
    latencies.push(Number(time) - accepted);
  }

  let lost = 0;
  for (const row of messages) {
    for (const receiptPath of paths) {
      if (!received.has(`${receiptPath}|${row.id}`)) {
        lost++;
      }
    }
  }

  return { latencies, lost, unexpected };
}

/** Names the kind of run: `split`, `rate200` (open loop at 200 messages/s) or `closed`. */
function runMode(options) {
  if (options.split) {
    return 'split';
  }

  return options.rate > 0 ? `rate${options.rate}` : 'closed';
}

/** CPU seconds so far of each process in `pids` (by name), of PostgreSQL and of the machine. */
function cpuSnapshot(pids, postgres) {
  postgres.sample();
  const snapshot = { t: nowMs(), postgres: postgres.seconds(), machine: machineCpuSeconds() };
  for (const [name, pid] of Object.entries(pids)) {
    snapshot[name] = processCpuSeconds(pid);
  }

  return snapshot;
}

/**
 * Measures the delivery phase of a split run: starts the system's worker after
 * the load, then waits for every delivery. Returns the sink's final stats and
 * the phase's figures, where CPU and rates count from the worker's start.
 */
async function measureDeliveryPhase(service, sinkUrl, pids, postgres, expected, options) {
  const workerPid = await service.startDelivering();
  const phasePids = workerPid === pids.service ? pids : { ...pids, worker: workerPid };
  const from = cpuSnapshot(phasePids, postgres);
  const distinctAtStart = (await sinkStats(sinkUrl)).distinct;

  const stats = await waitForDeliveries(sinkUrl, expected, { timeoutS: options.drainTimeoutS, stallS: options.stallS });
  const to = cpuSnapshot(phasePids, postgres);

  const deliveries = stats.distinct - distinctAtStart;
  const serverS = to.service - from.service + (phasePids.worker === undefined ? 0 : to.worker - from.worker);

  return {
    stats,
    phase: {
      deliveries,
      seconds: round3((stats.lastReceiveMs - from.t) / 1000),
      perSec: round1(deliveries / ((stats.lastReceiveMs - from.t) / 1000)),
      serverCpuMsPerDelivery: round3((1000 * serverS) / Math.max(1, deliveries)),
      postgresCpuMsPerDelivery: round3((1000 * (to.postgres - from.postgres)) / Math.max(1, deliveries)),
      workerPeakRssMiB: round1(processMemoryMiB(workerPid)?.peakRssMiB),
    },
    end: to,
  };
}

/**
 * Runs one measurement and returns its result object. `options`: n, endpoints,
 * k, rate, payloadBytes, warmup, quietPct, quietWaitS, drainTimeoutS, stallS,
 * maxSeconds, repBlock.
 */
export async function runOnce(system, options) {
  const paths = endpointPaths(options.endpoints);
  const expected = options.n * options.endpoints;
  const sinkPort = await freePort();
  const sinkUrl = `http://127.0.0.1:${sinkPort}`;

  await system.prepare({ sinkPort, endpoints: options.endpoints });

  const db = new pg.Client({ connectionString: system.databaseUrl });
  await db.connect();
  let service = null;
  let sink = null;
  let sampler = null;

  try {
    const server = await describeServer(db);
    const postmasterPid = readStat(server.backendPid)?.ppid;
    await db.query('CHECKPOINT');

    service = await system.start({ sinkPort, endpoints: options.endpoints, maxSeconds: options.maxSeconds });
    sink = spawnTracked(
      process.execPath,
      [SINK, '--port', String(sinkPort), '--max-seconds', String(options.maxSeconds), ...(service.sinkDefaultSecret ? ['--secret', service.sinkDefaultSecret] : [])],
      { env: { ...process.env, SINK_SECRETS: JSON.stringify(service.sinkSecrets) }, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    await waitForHttp(`${sinkUrl}/health`);

    const loadgen = (n, extra) =>
      runJsonScript(
        LOADGEN,
        [...service.loadgenArgs, '--n', String(n), '--k', String(options.k), '--payload-bytes', String(options.payloadBytes), ...extra],
        { env: service.loadgenEnv, timeoutMs: (options.maxSeconds + 30) * 1000 },
      );

    // Warm-up, not measured: JIT, connection pools, caches, the first JWKS fetch.
    let warmupIds = new Set();
    if (options.warmup > 0) {
      const warm = await loadgen(options.warmup, ['--max-seconds', '120']);
      if (warm.ok === 0) {
        throw new Error(`warm-up failed: ${warm.errorSamples.join('; ')}`);
      }
      await waitForDeliveries(sinkUrl, warm.ok * options.endpoints, { timeoutS: 120, stallS: options.stallS });
      await sleep(500);
      await request(`${sinkUrl}/reset`, { method: 'POST' });
      warmupIds = new Set((await system.messages(db)).map((row) => row.id));
    }

    // A split run measures ingest with the worker stopped, then delivery alone.
    if (options.split) {
      await service.stopDelivering();
    }

    const quiet = await waitForQuietMachine(options.quietPct, options.quietWaitS);

    // Load, then wait for every delivery; a sampler follows PostgreSQL backends and the server's memory.
    const pids = { service: service.pid, sink: sink.pid };
    const postgres = new PostgresCpuTracker(postmasterPid, system.database);
    postgres.start();
    let peakRssInWindowMiB = 0;
    sampler = setInterval(() => {
      postgres.sample();
      peakRssInWindowMiB = Math.max(peakRssInWindowMiB, processMemoryMiB(service.pid)?.rssMiB ?? 0);
    }, 200);

    const start = cpuSnapshot(pids, postgres);
    const load = await loadgen(options.n, ['--rate', String(options.rate), '--max-seconds', String(options.maxSeconds)]);
    let stats;
    let end;
    let split = null;
    if (options.split) {
      const afterLoad = cpuSnapshot(pids, postgres);
      split = {
        ingest: {
          serverCpuMsPerMessage: round3((1000 * (afterLoad.service - start.service)) / Math.max(1, load.ok)),
          postgresCpuMsPerMessage: round3((1000 * (afterLoad.postgres - start.postgres)) / Math.max(1, load.ok)),
        },
      };
      const delivery = await measureDeliveryPhase(service, sinkUrl, pids, postgres, load.ok * options.endpoints, options);
      stats = delivery.stats;
      end = delivery.end;
      split.delivery = delivery.phase;
    } else {
      stats = await waitForDeliveries(sinkUrl, load.ok * options.endpoints, { timeoutS: options.drainTimeoutS, stallS: options.stallS });
      end = cpuSnapshot(pids, postgres);
    }
    clearInterval(sampler);
    sampler = null;
    const memory = processMemoryMiB(service.pid);

    // Late duplicates would arrive after the last expected delivery.
    await sleep(1000);
    const finalStats = await sinkStats(sinkUrl);
    const receipts = (await request(`${sinkUrl}/receipts`, { timeoutMs: 60_000 })).text;
    const messages = (await system.messages(db)).filter((row) => !warmupIds.has(row.id));
    const matched = matchReceipts(receipts, messages, paths);
    const database = await system.verify(db);

    const windowS = (end.t - start.t) / 1000;
    const cpu = {
      windowS: round3(windowS),
      serviceS: round3(end.service - start.service),
      postgresS: round3(end.postgres - start.postgres),
      sinkS: round3(end.sink - start.sink),
      loadgenS: round3(load.cpuSeconds),
      machineBusyS: round3(end.machine.busy - start.machine.busy),
      stealS: round3(end.machine.steal - start.machine.steal),
    };
    cpu.otherS = round3(cpu.machineBusyS - cpu.serviceS - cpu.postgresS - cpu.sinkS - cpu.loadgenS);
    for (const name of ['service', 'postgres', 'sink', 'loadgen', 'machineBusy', 'other', 'steal']) {
      cpu[`${name}Pct`] = round1((100 * cpu[`${name}S`]) / windowS);
    }
    cpu.svcPgMsPerDelivery = round3((1000 * (cpu.serviceS + cpu.postgresS)) / Math.max(1, stats.distinct));

    const firstAcceptMs = messages.reduce((first, row) => Math.min(first, Number(row.t)), Infinity);
    const e2eSeconds = (stats.lastReceiveMs - firstAcceptMs) / 1000;
    const latency = percentiles(matched.latencies);

    return {
      system: system.name,
      repBlock: options.repBlock ?? null,
      workload: `${options.n}x${options.endpoints}`,
      mode: runMode(options),
      n: options.n,
      endpoints: options.endpoints,
      k: options.k,
      rate: options.rate,
      payloadBytes: options.payloadBytes,
      config: service.describe ?? '',
      postgres: { version: server.version, synchronousCommit: server.synchronousCommit },
      ingest: {
        ok: load.ok,
        errors: load.errors,
        errorSamples: load.errorSamples,
        seconds: round3(load.seconds),
        msgsPerSec: round1(load.msgsPerSec),
        requestMs: { p50: round3(load.requestLatencyMs.p50), p99: round3(load.requestLatencyMs.p99) },
        lateMsMax: round1(load.lateMsMax),
      },
      delivery: {
        expected,
        received: finalStats.count,
        distinct: finalStats.distinct,
        // Accepted messages missing from the database count as lost too.
        lost: matched.lost + Math.max(0, load.ok - messages.length) * options.endpoints,
        duplicates: finalStats.duplicates,
        badSignature: finalStats.badSignature,
        missingId: finalStats.missingId,
        unexpected: matched.unexpected,
        complete: finalStats.distinct >= expected && load.ok === options.n && matched.lost === 0,
        e2eSeconds: round3(e2eSeconds),
        perSec: round1(stats.distinct / e2eSeconds),
        drainAfterIngestS: round3((stats.lastReceiveMs - load.endMs) / 1000),
      },
      latencyMs: Object.fromEntries(Object.entries(latency).map(([key, value]) => [key, round1(value)])),
      cpu,
      split,
      memory: { peakRssMiB: round1(memory?.peakRssMiB), peakRssInWindowMiB: round1(peakRssInWindowMiB) },
      preRunQuiet: quiet,
      db: database,
      at: new Date().toISOString(),
    };
  } finally {
    if (sampler !== null) {
      clearInterval(sampler);
    }
    await service?.stop();
    await stopChild(sink, 'sink', 5000);
    await db.end();
  }
}
