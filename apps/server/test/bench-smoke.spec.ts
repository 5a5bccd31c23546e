import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';

jest.setTimeout(150_000);

const workspace = path.resolve(__dirname, '../../..');
const main = path.join(workspace, 'apps/server/dist/main.js');

/** The fields of one bench result line that this test checks. */
interface BenchRun {
  readonly system: string;
  readonly ingest: { readonly ok: number; readonly errors: number };
  readonly delivery: {
    readonly expected: number;
    readonly distinct: number;
    readonly lost: number;
    readonly duplicates: number;
    readonly badSignature: number;
    readonly missingId: number;
    readonly unexpected: number;
  };
  readonly db: { readonly attemptsByStatus: Record<string, number>; readonly messages: number; readonly retried: number };
}

interface BenchOutput {
  readonly exitCode: number | null;
  readonly runs: BenchRun[];
  readonly stderr: string;
}

/** Runs `node bench/run.mjs --smoke` on its own database and collects its JSON lines; kills it after `timeoutMs`. */
function runSmokeBench(timeoutMs: number): Promise<BenchOutput> {
  const database = `pigeon_bench_smoke_${randomBytes(4).toString('hex')}`;
  const child = spawn(
    process.execPath,
    ['bench/run.mjs', '--smoke', '--database', database, '--admin-url', process.env.PIGEON_TEST_DATABASE_URL ?? ''],
    { cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));

  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.once('exit', (exitCode) => {
      clearTimeout(timer);
      const runs = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as BenchRun);
      resolve({ exitCode, runs, stderr });
    });
  });
}

describe('bench smoke run', () => {
  let output: BenchOutput;
  let run: BenchRun;

  beforeAll(async () => {
    if (!existsSync(main)) {
      execFileSync(path.join(workspace, 'node_modules/.bin/tsc'), ['-b', 'apps/server'], { cwd: workspace });
    }

    output = await runSmokeBench(120_000);
    run = output.runs[0]!;
  });

  it('exits cleanly with one run', () => {
    // The bench's error output is part of the compared value, so a failure shows it.
    const failure = output.exitCode === 0 ? '' : output.stderr.slice(-3000);

    expect({ exitCode: output.exitCode, runs: output.runs.length, failure }).toEqual({ exitCode: 0, runs: 1, failure: '' });
  });

  it('accepts every message', () => {
    expect(run.ingest.ok).toBe(500);
    expect(run.ingest.errors).toBe(0);
  });

  it('delivers every message to both endpoints', () => {
    expect(run.delivery.expected).toBe(1000);
    expect(run.delivery.distinct).toBe(1000);
  });

  it('loses no delivery', () => {
    expect(run.delivery.lost).toBe(0);
  });

  it('delivers nothing twice', () => {
    expect(run.delivery.duplicates).toBe(0);
  });

  it('signs every delivery for its endpoint', () => {
    expect(run.delivery.badSignature).toBe(0);
    expect(run.delivery.missingId).toBe(0);
    expect(run.delivery.unexpected).toBe(0);
  });

  it('ends every attempt succeeded on its first try', () => {
    // 500 measured and 50 warm-up messages, two endpoints each.
    expect(run.db.attemptsByStatus).toEqual({ succeeded: 1100 });
    expect(run.db.retried).toBe(0);
  });
});
