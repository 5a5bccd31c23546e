import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { CONFIG_VARIABLES } from '../src/config/variables';

jest.setTimeout(120_000);

const workspace = path.resolve(__dirname, '../../..');
const main = path.join(workspace, 'apps/server/dist/main.js');

const INVOCATIONS = ['--help', 'serve --help', 'api --help', 'worker --help', 'migrate --help', 'dev --help', 'token --help'];

describe('pigeon --help', () => {
  const outputs = new Map<string, string>();

  /** Returns the standard output of the compiled CLI run with `args`. */
  function pigeon(...args: string[]): string {
    const output = outputs.get(args.join(' '));
    if (output === undefined) {
      throw new Error(`no output recorded for pigeon ${args.join(' ')}`);
    }

    return output;
  }

  beforeAll(() => {
    // The help comes from the compiled CLI, so compile the current sources first.
    execFileSync(path.join(workspace, 'node_modules/.bin/tsc'), ['-b', 'apps/server'], { cwd: workspace });

    for (const args of INVOCATIONS) {
      const output = execFileSync(process.execPath, [main, ...args.split(' ')], { cwd: workspace, encoding: 'utf8', env: { PATH: process.env.PATH } });
      outputs.set(args, output);
    }
  });

  it('describes every command', () => {
    const help = pigeon('--help');

    expect(help).toContain('serve            run the HTTP API and the delivery worker in one process;');
    expect(help).toMatch(/\n {2}api {14}run only the HTTP API/);
    expect(help).toMatch(/\n {2}worker {11}run only the delivery worker/);
    expect(help).toMatch(/\n {2}migrate {10}apply pending database migrations and exit/);
    expect(help).toMatch(/\n {2}dev \[options\] {4}try Pigeon locally/);
    expect(help).toMatch(/\n {2}token \[options\] {2}print a fresh bearer token/);
  });

  it('points to the per-command variable lists', () => {
    const help = pigeon('--help');

    expect(help).toContain('`pigeon <command> --help`\nlists the ones each command uses; docs/configuration.md describes them all.');
  });

  it.each([['serve'], ['api'], ['worker'], ['migrate']] as const)('lists the variables %s uses with defaults', (mode) => {
    const help = pigeon(mode, '--help');

    const listed = [...help.matchAll(/^ {2}([A-Z_]+) \(default: ([^)]*)\)$/gm)].map((match) => [match[1], match[2]]);
    const expected = CONFIG_VARIABLES.filter((variable) => variable.modes.includes(mode)).map((variable) => [variable.name, variable.defaultValue]);
    expect(listed).toEqual(expected);
  });

  it('lists every variable under some command', () => {
    const listed = new Set(
      ['serve', 'api', 'worker', 'migrate'].flatMap((mode) => [...pigeon(mode, '--help').matchAll(/^ {2}([A-Z_]+) \(default:/gm)].map((match) => match[1])),
    );

    expect([...listed].sort()).toEqual(CONFIG_VARIABLES.map((variable) => variable.name).sort());
  });

  it('gives units in the worker variable summaries', () => {
    const help = pigeon('worker', '--help');

    expect(help).toContain('  PIGEON_WORKER_HTTP_TIMEOUT_SECS (default: 30)\n      seconds one delivery may take, connect to last response byte');
    expect(help).toContain('  PIGEON_WORKER_POLL_INTERVAL_MS (default: 1000)\n      milliseconds of the longest idle sleep');
  });

  it('keeps every help line within 80 columns', () => {
    const lines = INVOCATIONS.flatMap((args) => pigeon(...args.split(' ')).split('\n'));

    expect(lines.filter((line) => line.length > 80)).toEqual([]);
  });

  it('shows the dev options with defaults and variables', () => {
    const help = pigeon('dev', '--help');

    expect(help).toMatch(/--port <port> +API port on 127\.0\.0\.1 \(default: "3000", env:\s+PIGEON_DEV_PORT\)/);
    expect(help).toMatch(/--data-dir <dir>[\s\S]*\(default:\s+"\.\/\.pigeon", env: PIGEON_DATA_DIR\)/);
    expect(help).toContain('`pigeon dev` sets these variables itself:');
  });

  it('shows the token options', () => {
    const help = pigeon('token', '--help');

    expect(help).toMatch(/--data-dir <dir> +data directory of the running `pigeon dev`/);
  });
});
