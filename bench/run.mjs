#!/usr/bin/env node
// Benchmarks `pigeon serve` through its HTTP API, optionally beside the bench
// kit's minimal pipeline (baseline-ideal.mjs), on the same machine and
// interleaved: every repetition runs each workload on each system back to back.
//
//   node bench/run.mjs                                   # Pigeon alone, 3 reps
//   node bench/run.mjs --ideal-kit /path/to/kit          # Pigeon and the minimal pipeline
//   node bench/run.mjs --smoke                           # 500 messages x 2 endpoints, Pigeon alone
//   node bench/run.mjs --summarize results.jsonl         # tables from earlier runs
//
// Prints one JSON line per run on stdout (and appends it to --out), then
// Markdown tables of medians and of Pigeon's ratios to the minimal pipeline.
// Needs the server built (`pnpm exec tsc -b`) and a PostgreSQL server on
// 127.0.0.1 whose --admin-url role may create databases. Each run drops and
// recreates --database, and --database plus `_ideal` for the minimal pipeline.
// `node bench/run.mjs --help` lists the options.
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { assertLocalDatabase, dropDatabase } from './lib/databases.mjs';
import { runOnce } from './lib/run-once.mjs';
import { summarize } from './lib/summary.mjs';
import { idealSystem, pigeonSystem } from './lib/systems.mjs';
import { parseOptions } from './lib/util.mjs';

const workspace = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const HELP = `Options (defaults in brackets):
  --workloads LIST      closed-loop workloads, MESSAGESxENDPOINTS [20000x1,5000x5]
  --rate N              messages/s of the open-loop runs, 0 for none [200]
  --rate-n N            messages per open-loop run [3000]
  --rate-endpoints LIST endpoint counts of the open-loop runs [1,5]
  --reps N              repetitions of every run [3]
  --k N                 concurrent API clients [32]
  --payload-bytes N     approximate message size in bytes [512]
  --warmup N            messages sent and delivered before each measured run [1000]
  --split               measure ingest with the worker stopped, then delivery alone (closed-loop
                        workloads only; Pigeon runs \`pigeon api\`, then a \`pigeon worker\` process)
  --ideal-kit DIR       installed copy of the bench kit; adds its minimal pipeline
  --systems LIST        pigeon, ideal or both [both when --ideal-kit is given]
  --pigeon-roots LIST   run several builds of Pigeon side by side, LABEL=DIR,LABEL=DIR, each DIR a
                        built workspace; replaces the system pigeon [pigeon=this repository]
  --admin-url URL       PostgreSQL role that may create databases
                        [$PIGEON_BENCH_ADMIN_URL or postgres://postgres@127.0.0.1:5432/postgres]
  --database NAME       database of Pigeon's runs [pigeon_bench]
  --pigeon-env LIST     extra server settings, KEY=VALUE,KEY=VALUE; LABEL:KEY=VALUE sets one build's only
  --pigeon-node-args=S  Node options of the server, e.g. --pigeon-node-args="--cpu-prof --cpu-prof-dir=/tmp/prof"
  --log-dir DIR         append the services' output to files there
  --out FILE            append every run's JSON line to FILE
  --quiet-pct N         before a run, wait for the machine to be less busy than N % [25]
  --quiet-wait-s N      but at most N seconds [20]
  --max-minutes N       stop the whole bench after N minutes [240]
  --smoke               one small run of Pigeon alone: --workloads 500x2 --rate 0 --reps 1 --warmup 50
  --summarize FILE      print the tables of the JSON lines in FILE and exit`;

const defaults = {
  workloads: '20000x1,5000x5',
  rate: 200,
  rateN: 3000,
  rateEndpoints: '1,5',
  reps: 3,
  k: 32,
  payloadBytes: 512,
  warmup: 1000,
  split: false,
  idealKit: '',
  systems: '',
  pigeonRoots: '',
  adminUrl: process.env.PIGEON_BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  database: 'pigeon_bench',
  pigeonEnv: '',
  pigeonNodeArgs: '',
  logDir: '',
  out: '',
  quietPct: 25,
  quietWaitS: 20,
  drainTimeoutS: 300,
  stallS: 30,
  maxSeconds: 900,
  maxMinutes: 240,
  smoke: false,
  summarize: '',
  help: false,
};

const smokeDefaults = { workloads: '500x2', rate: 0, reps: 1, warmup: 50, quietWaitS: 0, maxSeconds: 120 };

/** Settings of the Pigeon build `label`: entries KEY=VALUE apply to every build, LABEL:KEY=VALUE to one. */
function parseEnvList(text, label) {
  const env = {};
  for (const entry of String(text).split(',').filter(Boolean)) {
    const match = /^(?:([^:=]+):)?([A-Z0-9_]+)=(.*)$/.exec(entry);
    if (match === null) {
      throw new Error(`invalid --pigeon-env entry ${JSON.stringify(entry)}: expected KEY=VALUE or LABEL:KEY=VALUE`);
    }
    const [, only, key, value] = match;
    if (only === undefined || only === label) {
      env[key] = value;
    }
  }

  return env;
}

/** Label and workspace directory of every Pigeon build to run. */
function parsePigeonRoots(text) {
  if (!text) {
    return [{ label: 'pigeon', root: workspace }];
  }

  return String(text)
    .split(',')
    .filter(Boolean)
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals <= 0 || pair.slice(0, equals) === 'ideal') {
        throw new Error(`invalid --pigeon-roots entry ${JSON.stringify(pair)}: expected LABEL=DIR with a label other than ideal`);
      }

      return { label: pair.slice(0, equals), root: path.resolve(pair.slice(equals + 1)) };
    });
}

function parseWorkloads(text) {
  return String(text)
    .split(',')
    .filter(Boolean)
    .map((workload) => {
      const match = /^(\d+)x(\d+)$/.exec(workload);
      if (match === null) {
        throw new Error(`invalid workload ${JSON.stringify(workload)}: expected MESSAGESxENDPOINTS such as 20000x1`);
      }

      return { n: Number(match[1]), endpoints: Number(match[2]) };
    });
}

/** Lists the runs of one repetition: closed-loop workloads, then open-loop ones. */
function runsOfRepetition(options) {
  const runs = parseWorkloads(options.workloads).map((workload) => ({ ...workload, rate: 0 }));
  if (options.rate > 0 && !options.split) {
    for (const endpoints of String(options.rateEndpoints).split(',').filter(Boolean)) {
      runs.push({ n: options.rateN, endpoints: Number(endpoints), rate: options.rate });
    }
  }

  return runs;
}

function oneLine(result) {
  const latency = result.latencyMs;

  return (
    `${result.system.padEnd(6)} ${result.workload.padEnd(8)} ${result.mode.padEnd(7)} ingest=${result.ingest.msgsPerSec}/s ` +
    `deliveries=${result.delivery.perSec}/s p50/95/99=${latency.p50}/${latency.p95}/${latency.p99} ms ` +
    `cpu svc=${result.cpu.servicePct}% pg=${result.cpu.postgresPct}% sink=${result.cpu.sinkPct}% loadgen=${result.cpu.loadgenPct}% other=${result.cpu.otherPct}% ` +
    `rss=${result.memory.peakRssMiB} MiB lost=${result.delivery.lost} dup=${result.delivery.duplicates} badsig=${result.delivery.badSignature} ` +
    `load=${result.preRunQuiet.loadAverage1m}`
  );
}

async function main() {
  let options = parseOptions(process.argv.slice(2), defaults);
  if (options.help) {
    console.log(HELP);

    return;
  }
  if (options.summarize) {
    console.log(summarize(readFileSync(options.summarize, 'utf8')));

    return;
  }
  if (options.smoke) {
    options = { ...options, ...smokeDefaults, ...parseOptions(process.argv.slice(2), {}), smoke: true };
  }

  for (const [key, value] of Object.entries(defaults)) {
    if (typeof value === 'string' && options[key] === true) {
      throw new Error(`--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)} needs a value; write a value that starts with -- as --option="--value"`);
    }
  }
  assertLocalDatabase(options.adminUrl);
  let requested = options.idealKit ? ['pigeon', 'ideal'] : ['pigeon'];
  if (options.systems) {
    requested = String(options.systems).split(',');
  }
  if (options.logDir) {
    mkdirSync(options.logDir, { recursive: true });
  }
  const logFile = (name) => (options.logDir ? path.join(options.logDir, `${name}.log`) : undefined);

  const systems = {};
  const order = [];
  for (const name of requested) {
    if (name === 'pigeon') {
      for (const { label, root } of parsePigeonRoots(options.pigeonRoots)) {
        systems[label] = pigeonSystem({
          label,
          workspace: root,
          adminUrl: options.adminUrl,
          database: label === 'pigeon' ? options.database : `${options.database}_${label.replace(/[^a-z0-9_]/g, '_')}`,
          env: parseEnvList(options.pigeonEnv, label),
          nodeArgs: String(options.pigeonNodeArgs).split(' ').filter(Boolean),
          logFile: logFile(label),
        });
        order.push(label);
      }
    } else if (name === 'ideal') {
      if (!options.idealKit) {
        throw new Error('--systems ideal needs --ideal-kit DIR, an installed copy of the bench kit');
      }
      systems.ideal = await idealSystem({
        kitDir: path.resolve(String(options.idealKit)),
        adminUrl: options.adminUrl,
        database: `${options.database}_ideal`,
        logFile: logFile('ideal'),
      });
      order.push('ideal');
    } else {
      throw new Error(`unknown system ${JSON.stringify(name)}: expected pigeon or ideal`);
    }
  }

  const deadline = Date.now() + options.maxMinutes * 60_000;
  const results = [];
  for (let rep = 1; rep <= options.reps && Date.now() < deadline; rep++) {
    // Alternating the order cancels out a drift that favours whichever runs first.
    const repOrder = rep % 2 === 1 ? order : [...order].reverse();
    for (const run of runsOfRepetition(options)) {
      for (const name of repOrder) {
        if (Date.now() >= deadline) {
          console.error(`bench: --max-minutes ${options.maxMinutes} reached, skipping the remaining runs`);
          break;
        }
        const result = await runOnce(systems[name], { ...options, ...run, repBlock: rep });
        results.push(result);
        const line = JSON.stringify(result);
        console.log(line);
        console.error(oneLine(result));
        if (options.out) {
          appendFileSync(options.out, `${line}\n`);
        }
      }
    }
  }

  for (const system of Object.values(systems)) {
    await dropDatabase(options.adminUrl, system.database);
  }
  if (!options.smoke) {
    console.log(summarize(results.map((result) => JSON.stringify(result)).join('\n')));
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`bench: ${error.stack ?? error}`);
    process.exit(1);
  },
);
