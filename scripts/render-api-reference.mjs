// Writes docs/api-reference.md from docs/openapi.json: every operation with its
// method, path, operationId, parameters, request and response schemas and error
// statuses, then every component schema.
// With --check, writes nothing and exits 1 when docs/api-reference.md is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'docs', 'openapi.json');
const target = join(root, 'docs', 'api-reference.md');

/** Sections in the order an operator meets the resources; tags not listed follow alphabetically. */
const TAG_ORDER = [
  'health',
  'metrics',
  'auth',
  'applications',
  'event-types',
  'endpoints',
  'messages',
  'attempts',
  'dead-letters',
  'stats',
  'audit-log',
  'oidc-configs',
  'admin',
];

const TAG_TITLES = {
  health: 'Health',
  metrics: 'Metrics',
  auth: 'Sign-in settings',
  applications: 'Applications',
  'event-types': 'Event types',
  endpoints: 'Endpoints',
  messages: 'Messages',
  attempts: 'Attempts',
  'dead-letters': 'Dead letters',
  stats: 'Statistics',
  'audit-log': 'Audit log',
  'oidc-configs': 'OIDC configurations of the caller\'s organization',
  admin: 'Administration',
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Escapes text for a Markdown table cell. */
function cell(text) {
  return String(text ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n+/g, ' ');
}

/** GitHub's heading anchor: lowercase, punctuation dropped, spaces to hyphens. */
function anchor(heading) {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function schemaName(ref) {
  return ref.replace('#/components/schemas/', '');
}

/** Writes a schema as a short type, with a link for a named schema. */
function typeOf(schema) {
  if (schema === undefined) {
    return '';
  }
  if (schema.$ref !== undefined) {
    const name = schemaName(schema.$ref);

    return `[${name}](#${anchor(name)})`;
  }
  if (schema.allOf?.length === 1) {
    return typeOf(schema.allOf[0]);
  }
  if (schema.oneOf !== undefined || schema.anyOf !== undefined) {
    return (schema.oneOf ?? schema.anyOf).map(typeOf).join(' or ');
  }
  if (schema.type === 'array') {
    return `array of ${typeOf(schema.items)}`;
  }

  const base = schema.format !== undefined ? `${schema.type} (${schema.format})` : (schema.type ?? 'any');

  return schema.nullable ? `${base} or null` : base;
}

/** Lists the constraints of a schema in words: enum values, ranges, lengths, defaults. */
function constraintsOf(schema) {
  if (schema === undefined) {
    return [];
  }

  const parts = [];
  if (schema.enum !== undefined) {
    parts.push(`one of ${schema.enum.map((value) => `\`${value}\``).join(', ')}`);
  }
  if (schema.minimum !== undefined) {
    parts.push(`minimum ${schema.minimum}`);
  }
  if (schema.maximum !== undefined) {
    parts.push(`maximum ${schema.maximum}`);
  }
  if (schema.minLength !== undefined) {
    parts.push(`at least ${schema.minLength} characters`);
  }
  if (schema.maxLength !== undefined) {
    parts.push(`at most ${schema.maxLength} characters`);
  }
  if (schema.maxItems !== undefined) {
    parts.push(`at most ${schema.maxItems} items`);
  }
  if (schema.default !== undefined) {
    parts.push(`default \`${JSON.stringify(schema.default)}\``);
  }
  if (schema.example !== undefined) {
    parts.push(`example \`${JSON.stringify(schema.example)}\``);
  }

  return parts;
}

function describeField(schema) {
  const text = [schema?.description, ...constraintsOf(schema).map((part) => `${part[0].toUpperCase()}${part.slice(1)}.`)];

  return text.filter((part) => part !== undefined && part !== '').join(' ');
}

function jsonSchemaOf(content) {
  return content?.['application/json']?.schema;
}

function renderParameters(parameters) {
  if (parameters.length === 0) {
    return [];
  }

  return [
    '',
    '| parameter | in | type | required | description |',
    '| --- | --- | --- | --- | --- |',
    ...parameters.map(
      (parameter) =>
        `| \`${parameter.name}\` | ${parameter.in} | ${cell(typeOf(parameter.schema))} | ${parameter.required ? 'yes' : 'no'} | ${cell(describeField({ ...parameter.schema, description: parameter.description }))} |`,
    ),
  ];
}

function renderOperation(method, path, operation) {
  const heading = `${method.toUpperCase()} ${path}`;
  const lines = [`### ${heading}`, ''];

  if (operation.summary) {
    lines.push(`${operation.summary}.`.replace(/\.\.$/, '.'), '');
  }
  if (operation.description) {
    lines.push(operation.description, '');
  }

  const isPublic = operation.security === undefined || operation.security.length === 0;
  lines.push(`- operationId: \`${operation.operationId}\``);
  lines.push(`- authentication: ${isPublic ? 'none' : 'bearer token'}`);

  const requestSchema = jsonSchemaOf(operation.requestBody?.content);
  if (requestSchema !== undefined) {
    lines.push(`- request body (\`application/json\`${operation.requestBody.required ? '' : ', optional'}): ${typeOf(requestSchema)}`);
  }
  lines.push(...renderParameters(operation.parameters ?? []));

  const statuses = Object.keys(operation.responses ?? {}).sort();
  const successes = statuses.filter((status) => Number(status) < 400);
  const errors = statuses.filter((status) => Number(status) >= 400);

  lines.push('', '| response | body | meaning |', '| --- | --- | --- |');
  for (const status of successes) {
    const response = operation.responses[status];
    const content = response.content ?? {};
    const type = Object.keys(content)[0];
    const schema = type === undefined ? undefined : content[type].schema;
    let body = 'none';
    if (type === 'application/json') {
      body = typeOf(schema);
    } else if (type !== undefined) {
      body = `\`${type}\``;
    }
    lines.push(`| ${status} | ${cell(body)} | ${cell(response.description)} |`);
  }
  for (const status of errors) {
    const response = operation.responses[status];
    lines.push(`| ${status} | ${cell(typeOf(jsonSchemaOf(response.content)))} | ${cell(response.description)} |`);
  }
  lines.push('');

  return { heading, lines };
}

function renderSchema(name, schema) {
  const lines = [`### ${name}`, ''];
  if (schema.description) {
    lines.push(schema.description, '');
  }

  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) {
    lines.push(`${typeOf(schema)}${schema.additionalProperties ? ' with any properties' : ''}.`, '');

    return lines;
  }

  const required = new Set(schema.required ?? []);
  lines.push('| field | type | required | description |', '| --- | --- | --- | --- |');
  for (const [field, fieldSchema] of properties) {
    lines.push(`| \`${field}\` | ${cell(typeOf(fieldSchema))} | ${required.has(field) ? 'yes' : 'no'} | ${cell(describeField(fieldSchema))} |`);
  }
  lines.push('');

  return lines;
}

/** Renders the whole reference as Markdown. */
export function renderApiReference(document) {
  const operations = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      if (item[method] !== undefined) {
        operations.push({ method, path, operation: item[method], tag: item[method].tags?.[0] ?? 'other' });
      }
    }
  }

  const tags = [...new Set(operations.map((entry) => entry.tag))].sort((a, b) => {
    const rank = (tag) => (TAG_ORDER.includes(tag) ? TAG_ORDER.indexOf(tag) : TAG_ORDER.length);

    return rank(a) - rank(b) || a.localeCompare(b);
  });

  const out = [
    '# API reference',
    '',
    `<!-- Generated by scripts/render-api-reference.mjs from docs/openapi.json; edit those, not this file. -->`,
    '',
    `${document.info.title} ${document.info.version}: ${document.info.description}`,
    '',
    'Every operation whose authentication is "bearer token" needs',
    '`Authorization: Bearer <token>`, an access token from an OpenID Connect',
    "provider registered for the caller's organization. Request and response",
    'bodies are JSON with snake_case field names. Errors have the body',
    '[ErrorBody](#errorbody), `{"error": "<text>", "code": "<code>"}`. Lists take',
    '`offset` and `limit` and return `{items, total, offset, limit}`. The server',
    'serves the same OpenAPI document at `/api/openapi.json`.',
    '',
    '## Operations',
    '',
  ];

  const rendered = tags.map((tag) => ({
    tag,
    title: TAG_TITLES[tag] ?? tag,
    operations: operations.filter((entry) => entry.tag === tag).map((entry) => renderOperation(entry.method, entry.path, entry.operation)),
  }));

  for (const section of rendered) {
    out.push(`- ${section.title}`);
    for (const operation of section.operations) {
      out.push(`  - [\`${operation.heading}\`](#${anchor(operation.heading)})`);
    }
  }
  out.push('');

  for (const section of rendered) {
    out.push(`## ${section.title}`, '');
    for (const operation of section.operations) {
      out.push(...operation.lines);
    }
  }

  out.push('## Schemas', '');
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    out.push(...renderSchema(name, schema));
  }

  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

if (process.argv[1] && process.argv[1].endsWith('render-api-reference.mjs')) {
  const rendered = renderApiReference(JSON.parse(readFileSync(source, 'utf8')));

  if (process.argv.includes('--check')) {
    let committed = '';
    try {
      committed = readFileSync(target, 'utf8');
    } catch {
      // A missing file is out of date like any other.
    }
    if (committed !== rendered) {
      console.error('docs/api-reference.md is out of date: run `node scripts/render-api-reference.mjs` and commit the result.');
      process.exit(1);
    }
    console.log('docs/api-reference.md is up to date.');
  } else {
    writeFileSync(target, rendered);
    console.log(`wrote ${target}`);
  }
}
