// Markdown tables from the bench's JSON lines: medians per system, and each
// Pigeon build's ratios to the minimal pipeline paired within each repetition (the runs are
// interleaved, so a noisy minute hurts both alike), then the median of the pairs.
import { median } from './util.mjs';

const format0 = (value) => (value === null ? '–' : String(Math.round(value)));
const format1 = (value) => (value === null ? '–' : String(Math.round(value * 10) / 10));
const format2 = (value) => (value === null ? '–' : value.toFixed(2));

const METRICS = {
  ingest: (run) => run.ingest.msgsPerSec,
  deliveries: (run) => run.delivery.perSec,
  p50: (run) => run.latencyMs.p50,
  p95: (run) => run.latencyMs.p95,
  p99: (run) => run.latencyMs.p99,
  cpuPerDelivery: (run) => run.cpu.svcPgMsPerDelivery,
};

function pairedRatio(runs, baseline, metric) {
  const baselineByRep = new Map(baseline.map((run) => [run.repBlock, run]));
  const ratios = [];
  for (const run of runs) {
    const other = baselineByRep.get(run.repBlock);
    if (other !== undefined && metric(other)) {
      ratios.push(metric(run) / metric(other));
    }
  }

  return median(ratios);
}

const SPLIT_METRICS = {
  ingest: (run) => run.ingest.msgsPerSec,
  ingestServer: (run) => run.split.ingest.serverCpuMsPerMessage,
  ingestPostgres: (run) => run.split.ingest.postgresCpuMsPerMessage,
  deliveries: (run) => run.split.delivery.perSec,
  deliveryServer: (run) => run.split.delivery.serverCpuMsPerDelivery,
  deliveryPostgres: (run) => run.split.delivery.postgresCpuMsPerDelivery,
};

/** Returns the table of split runs: ingest with the worker stopped, then delivery alone. */
function splitTable(workload, bySystem) {
  const columns = Object.values(SPLIT_METRICS);
  let markdown = `\n#### ${workload} (messages x endpoints), split: ingest with the worker stopped, then delivery alone\n\n`;
  markdown +=
    '| system | runs | ingest msgs/s | server CPU ms/message | PG CPU ms/message | deliveries/s (delivery phase) | server CPU ms/delivery | PG CPU ms/delivery | lost | duplicates |\n';
  markdown += '|---|---|---|---|---|---|---|---|---|---|\n';

  const systems = orderSystems(bySystem);
  for (const system of systems) {
    const runs = bySystem.get(system);
    const cells = columns.map((metric, index) => {
      const value = median(runs.map(metric));

      return index === 0 || index === 3 ? format0(value) : format2(value);
    });
    const lost = runs.reduce((sum, run) => sum + run.delivery.lost, 0);
    const duplicates = runs.reduce((sum, run) => sum + run.delivery.duplicates, 0);
    markdown += `| ${system} | ${runs.length} | ${cells.join(' | ')} | ${lost} | ${duplicates} |\n`;
  }
  for (const system of systems.filter((name) => name !== 'ideal' && bySystem.has('ideal'))) {
    const cells = columns.map((metric) => format2(pairedRatio(bySystem.get(system), bySystem.get('ideal'), metric)));
    markdown += `| ${system} / ideal | | ${cells.join(' | ')} | | |\n`;
  }

  return markdown;
}

/** Sorts system names with the minimal pipeline first. */
function orderSystems(bySystem) {
  const others = [...bySystem.keys()].filter((name) => name !== 'ideal').sort();

  return bySystem.has('ideal') ? ['ideal', ...others] : others;
}

/** Returns the Markdown for the JSON lines in `text` (one run per line). */
export function summarize(text) {
  const runs = text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))
    .filter((run) => run.system !== undefined);

  const groups = new Map();
  for (const run of runs) {
    const key = `${run.workload} ${run.mode}`;
    if (!groups.has(key)) {
      groups.set(key, new Map());
    }
    const bySystem = groups.get(key);
    if (!bySystem.has(run.system)) {
      bySystem.set(run.system, []);
    }
    bySystem.get(run.system).push(run);
  }

  let markdown = '';
  for (const [key, bySystem] of groups) {
    const [workload, mode] = key.split(' ');
    if (mode === 'split') {
      markdown += splitTable(workload, bySystem);
      continue;
    }

    const modeText = mode === 'closed' ? 'closed loop' : `open loop at ${mode.slice(4)} messages/s`;
    markdown += `\n#### ${workload} (messages x endpoints), ${modeText}\n\n`;
    markdown +=
      '| system | runs | ingest msgs/s | deliveries/s | p50 ms | p95 ms | p99 ms | server CPU % | PG CPU % | sink CPU % | loadgen CPU % | other % | server+PG CPU ms/delivery | server peak RSS MiB | lost | duplicates | bad signatures | load avg before |\n';
    markdown += '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n';

    const systems = orderSystems(bySystem);
    for (const system of systems) {
      const systemRuns = bySystem.get(system);
      const middle = (metric) => median(systemRuns.map(metric));
      const total = (metric) => systemRuns.reduce((sum, run) => sum + metric(run), 0);
      const loads = systemRuns.map((run) => run.preRunQuiet.loadAverage1m);

      markdown +=
        `| ${system} | ${systemRuns.length} | ${format0(middle(METRICS.ingest))} | ${format0(middle(METRICS.deliveries))} | ` +
        `${format1(middle(METRICS.p50))} | ${format1(middle(METRICS.p95))} | ${format1(middle(METRICS.p99))} | ` +
        `${format0(middle((run) => run.cpu.servicePct))} | ${format0(middle((run) => run.cpu.postgresPct))} | ` +
        `${format0(middle((run) => run.cpu.sinkPct))} | ${format0(middle((run) => run.cpu.loadgenPct))} | ${format0(middle((run) => run.cpu.otherPct))} | ` +
        `${format2(middle(METRICS.cpuPerDelivery))} | ${format0(Math.max(...systemRuns.map((run) => run.memory.peakRssMiB)))} | ` +
        `${total((run) => run.delivery.lost)} | ${total((run) => run.delivery.duplicates)} | ${total((run) => run.delivery.badSignature)} | ` +
        `${loads.map((load) => format1(load)).join(', ')} |\n`;
    }

    for (const system of systems.filter((name) => name !== 'ideal' && bySystem.has('ideal'))) {
      const ratio = (metric) => format2(pairedRatio(bySystem.get(system), bySystem.get('ideal'), metric));
      markdown +=
        `| ${system} / ideal | | ${ratio(METRICS.ingest)} | ${ratio(METRICS.deliveries)} | ${ratio(METRICS.p50)} | ${ratio(METRICS.p95)} | ` +
        `${ratio(METRICS.p99)} | | | | | | ${ratio(METRICS.cpuPerDelivery)} | | | | | |\n`;
    }
  }

  return markdown;
}
