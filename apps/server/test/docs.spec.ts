import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { CONFIG_VARIABLES } from '../src/config/variables';

const workspace = path.resolve(__dirname, '../../..');
const docsDir = path.join(workspace, 'docs');

function read(relative: string): string {
  return readFileSync(path.join(workspace, relative), 'utf8');
}

interface Operation {
  operationId: string;
  responses: Record<string, unknown>;
}

describe('docs/api-reference.md', () => {
  const reference = read('docs/api-reference.md');
  const openapi = JSON.parse(read('docs/openapi.json')) as {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, unknown> };
  };

  /** Returns the section of the reference that documents one operation, up to the next heading. */
  function sectionOf(heading: string): string {
    const start = reference.indexOf(`\n### ${heading}\n`);
    if (start === -1) {
      return '';
    }
    const end = reference.indexOf('\n#', start + heading.length + 6);

    return reference.slice(start, end === -1 ? undefined : end);
  }

  it('is the rendering of docs/openapi.json', () => {
    const result = spawnSync(process.execPath, [path.join(workspace, 'scripts/render-api-reference.mjs'), '--check'], { encoding: 'utf8' });

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('documents every operation with its id and statuses', () => {
    const missing: string[] = [];
    for (const [route, item] of Object.entries(openapi.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const heading = `${method.toUpperCase()} ${route}`;
        const section = sectionOf(heading);
        if (!section.includes(`- operationId: \`${operation.operationId}\``)) {
          missing.push(`${heading}: operationId`);
        }
        for (const status of Object.keys(operation.responses)) {
          if (!section.includes(`\n| ${status} | `)) {
            missing.push(`${heading}: ${status}`);
          }
        }
      }
    }

    expect(missing).toEqual([]);
  });

  it('documents every schema', () => {
    const missing = Object.keys(openapi.components.schemas).filter((name) => !reference.includes(`\n### ${name}\n`));

    expect(missing).toEqual([]);
  });
});

describe('docs/configuration.md', () => {
  const configuration = read('docs/configuration.md');

  it('gives every variable with its default', () => {
    const rows = new Map(
      [...configuration.matchAll(/^\| `([A-Z_]+)` \| ([^|]+) \|/gm)].map((match) => [match[1]!, match[2]!.trim().replace(/`/g, '')]),
    );

    const wrong = CONFIG_VARIABLES.filter((variable) => rows.get(variable.name) !== variable.defaultValue).map(
      (variable) => `${variable.name}: ${rows.get(variable.name) ?? 'missing'} instead of ${variable.defaultValue}`,
    );
    expect(wrong).toEqual([]);
  });
});

describe('documentation links', () => {
  const pages = ['README.md', ...readdirSync(docsDir).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

  it('lists every page in the README', () => {
    const readme = read('README.md');
    const documents = readdirSync(docsDir).filter((name) => name.endsWith('.md') || name === 'grafana-dashboard.json');

    expect(documents.filter((name) => !readme.includes(`](docs/${name})`))).toEqual([]);
  });

  it('points only at files that exist', () => {
    const broken = pages.flatMap((page) =>
      [...read(page).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
        .map((match) => match[1]!)
        .filter((target) => !/^[a-z]+:/.test(target))
        .filter((target) => !existsSync(path.resolve(path.dirname(path.join(workspace, page)), target)))
        .map((target) => `${page} -> ${target}`),
    );

    expect(broken).toEqual([]);
  });
});
