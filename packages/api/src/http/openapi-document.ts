import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/** Path of the OpenAPI document on the running server. */
export const OPENAPI_JSON_PATH = '/api/openapi.json';

/** Name of the bearer security scheme that `@ApiBearerAuth()` refers to by default. */
const BEARER_SCHEME = 'bearer';

/**
 * Generates the OpenAPI document of a created (not necessarily listening) Nest
 * application, in canonical key order, so the served document, the committed
 * `docs/openapi.json` and the generated client agree byte for byte.
 */
export function createOpenApiDocument(app: INestApplication, version: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Pigeon')
    .setDescription('Self-hosted webhook delivery: applications, event types, endpoints, messages and their delivery attempts.')
    .setVersion(version)
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token issued by an OIDC provider registered for the organization.' },
      BEARER_SCHEME,
    )
    .build();

  // Tags come from `@ApiTags` only, so a route never shows up under a name derived from its controller class.
  return canonicalOpenApiDocument(SwaggerModule.createDocument(app, config, { autoTagControllers: false }));
}

/**
 * Orders the maps whose order would otherwise follow controller registration or
 * decorator order: paths, their methods, response statuses and component schemas.
 * Property order inside a schema keeps the declaration order of its class. Also
 * turns each `ANY_JSON` property into the empty schema it stands for.
 */
export function canonicalOpenApiDocument(document: OpenAPIObject): OpenAPIObject {
  stripAnyJsonMarkers(document);

  const paths = sortKeys(document.paths);
  for (const [path, item] of Object.entries(paths)) {
    const methods = sortKeys(item as Record<string, unknown>) as Record<string, { responses?: Record<string, unknown> }>;
    for (const operation of Object.values(methods)) {
      if (operation?.responses !== undefined) {
        operation.responses = sortKeys(operation.responses);
      }
    }
    paths[path] = methods;
  }

  const components = document.components === undefined ? undefined : sortKeys(document.components);
  if (components?.schemas !== undefined) {
    components.schemas = sortKeys(components.schemas);
  }
  if (components?.securitySchemes !== undefined) {
    components.securitySchemes = sortKeys(components.securitySchemes);
  }

  return { ...document, paths, ...(components === undefined ? {} : { components }) };
}

/**
 * Removes the `anyOf: [{}]` that `ANY_JSON` declares. `@nestjs/swagger` (11.4)
 * gives every property a `type` unless it has a combinator, and without both
 * the schema accepts any JSON value.
 */
function stripAnyJsonMarkers(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(stripAnyJsonMarkers);

    return;
  }
  if (node === null || typeof node !== 'object') {
    return;
  }

  const schema = node as Record<string, unknown>;
  if (isAnyJsonMarker(schema.anyOf)) {
    delete schema.anyOf;
  }
  Object.values(schema).forEach(stripAnyJsonMarkers);
}

function isAnyJsonMarker(value: unknown): boolean {
  return Array.isArray(value) && value.length === 1 && JSON.stringify(value[0]) === '{}';
}

function sortKeys<T extends object>(value: T): T {
  // Code-unit order, not locale order, so every machine writes the same file.
  const keys = Object.keys(value).sort();

  return Object.fromEntries(keys.map((key) => [key, value[key as keyof T]])) as T;
}
