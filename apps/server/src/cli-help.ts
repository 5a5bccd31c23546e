import type { Command } from 'commander';

import { CONFIG_VARIABLES, type ConfiguredMode } from './config/variables';

const CONFIGURED_MODES: readonly ConfiguredMode[] = ['serve', 'api', 'worker', 'migrate'];

/** Variables that `pigeon dev` sets itself, whatever the environment holds. */
const SET_BY_DEV = [
  'DATABASE_URL',
  'PIGEON_LISTEN_ADDR',
  'PIGEON_BOOTSTRAP_ORG_ENABLED',
  'PIGEON_BOOTSTRAP_OIDC_ISSUER_URL',
  'PIGEON_BOOTSTRAP_OIDC_AUDIENCE',
  'PIGEON_BOOTSTRAP_OIDC_JWKS_URL',
  'PIGEON_WORKER_ALLOW_PRIVATE_NETWORKS',
];

const ROOT_HELP = `
Configuration comes from environment variables. \`pigeon <command> --help\`
lists the ones each command uses; docs/configuration.md describes them all.
A wrong value stops start-up with one line per problem.

Example:
  DATABASE_URL=postgres://pigeon:secret@localhost:5432/pigeon pigeon serve`;

const HELP_WIDTH = 80;

/** Breaks `text` into lines of at most HELP_WIDTH characters, each starting with `indent`. */
function wrap(text: string, indent: string): string[] {
  const lines: string[] = [];
  let line = indent;

  for (const word of text.split(' ')) {
    if (line !== indent && line.length + 1 + word.length > HELP_WIDTH) {
      lines.push(line);
      line = indent;
    }
    line = line === indent ? `${indent}${word}` : `${line} ${word}`;
  }
  lines.push(line);

  return lines;
}

/** Returns the help section that lists the environment variables `mode` uses, with defaults and units. */
export function environmentHelp(mode: ConfiguredMode): string {
  const lines = CONFIG_VARIABLES.filter((variable) => variable.modes.includes(mode)).flatMap((variable) => [
    `  ${variable.name} (default: ${variable.defaultValue})`,
    ...wrap(variable.summary, '      '),
  ]);

  return [
    '',
    `Environment variables used by \`pigeon ${mode}\`:`,
    ...lines,
    '',
    'At start-up every command validates all variables, also those it does not use.',
  ].join('\n');
}

function devHelp(): string {
  return [
    '',
    '`pigeon dev` sets these variables itself:',
    ...wrap(`${SET_BY_DEV.join(', ')}.`, '  '),
    ...wrap(
      'The other variables of `pigeon serve --help` apply from the environment, except that PIGEON_LOG_LEVEL defaults to warn and PIGEON_WORKER_POLL_INTERVAL_MS to 200.',
      '',
    ),
  ].join('\n');
}

/**
 * Adds the environment variable sections to the help of the program and its
 * commands. Commands missing from `program` are skipped.
 */
export function addEnvironmentHelp(program: Command): void {
  program.addHelpText('after', ROOT_HELP);

  for (const command of program.commands) {
    const name = command.name();
    const mode = CONFIGURED_MODES.find((candidate) => candidate === name);
    if (mode !== undefined) {
      command.addHelpText('after', environmentHelp(mode));
    } else if (name === 'dev') {
      command.addHelpText('after', devHelp());
    }
  }
}
