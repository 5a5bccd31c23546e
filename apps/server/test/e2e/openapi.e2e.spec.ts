import { readFileSync } from 'node:fs';
import path from 'node:path';

import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { createOpenApiDocument, IS_PUBLIC } from '@pigeon/api';

import { createOfflineHttpApp, formatOpenApiJson, type OfflineHttpApp } from '../../src/openapi';
import { PIGEON_VERSION } from '../../src/version';
import { type PigeonUnderTest, startPigeon } from '../support/pigeon-harness';

jest.setTimeout(60_000);

const COMMITTED_PATH = path.resolve(__dirname, '../../../../docs/openapi.json');
const ERROR_BODY_REF = '#/components/schemas/ErrorBody';

interface Operation {
  operationId?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}

interface Document {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

/** A route as Nest registered it, with the path in OpenAPI's `{name}` form. */
interface Route {
  readonly method: string;
  readonly path: string;
  readonly isPublic: boolean;
}

/**
 * Operation ids that clients generated from the original Pigeon document call,
 * with the route each belongs to. Path parameter names are not compared.
 */
const ORIGINAL_OPERATIONS: ReadonlyArray<readonly [id: string, method: string, path: string]> = [
  ['create_application', 'post', '/api/v1/applications'],
  ['get_application', 'get', '/api/v1/applications/{id}'],
  ['list_applications', 'get', '/api/v1/applications'],
  ['update_application', 'put', '/api/v1/applications/{id}'],
  ['delete_application', 'delete', '/api/v1/applications/{id}'],
  ['create_event_type', 'post', '/api/v1/applications/{app_id}/event-types'],
  ['get_event_type', 'get', '/api/v1/applications/{app_id}/event-types/{id}'],
  ['list_event_types', 'get', '/api/v1/applications/{app_id}/event-types'],
  ['update_event_type', 'put', '/api/v1/applications/{app_id}/event-types/{id}'],
  ['delete_event_type', 'delete', '/api/v1/applications/{app_id}/event-types/{id}'],
  ['create_endpoint', 'post', '/api/v1/applications/{app_id}/endpoints'],
  ['get_endpoint', 'get', '/api/v1/applications/{app_id}/endpoints/{id}'],
  ['list_endpoints', 'get', '/api/v1/applications/{app_id}/endpoints'],
  ['update_endpoint', 'put', '/api/v1/applications/{app_id}/endpoints/{id}'],
  ['delete_endpoint', 'delete', '/api/v1/applications/{app_id}/endpoints/{id}'],
  ['rotate_signing_secret', 'post', '/api/v1/applications/{app_id}/endpoints/{id}/rotate'],
  ['revoke_signing_secret', 'delete', '/api/v1/applications/{app_id}/endpoints/{id}/secrets/{index}'],
  ['send_message', 'post', '/api/v1/applications/{app_id}/messages'],
  ['list_messages', 'get', '/api/v1/applications/{app_id}/messages'],
  ['get_message', 'get', '/api/v1/applications/{app_id}/messages/{id}'],
  ['list_attempts', 'get', '/api/v1/applications/{app_id}/messages/{msg_id}/attempts'],
  ['retrigger_message', 'post', '/api/v1/applications/{app_id}/messages/{id}/retrigger'],
  ['list_dead_letters', 'get', '/api/v1/applications/{app_id}/dead-letters'],
  ['get_dead_letter', 'get', '/api/v1/applications/{app_id}/dead-letters/{id}'],
  ['replay', 'post', '/api/v1/applications/{app_id}/dead-letters/{id}/replay'],
  ['list_audit_log', 'get', '/api/v1/audit-log'],
  ['get_stats', 'get', '/api/v1/applications/{app_id}/stats'],
  ['get_event_type_stats', 'get', '/api/v1/applications/{app_id}/event-types/{id}/stats'],
  ['get_endpoint_stats', 'get', '/api/v1/applications/{app_id}/endpoints/{id}/stats'],
  ['create_organization', 'post', '/admin/v1/organizations'],
  ['get_organization', 'get', '/admin/v1/organizations/{id}'],
  ['list_organizations', 'get', '/admin/v1/organizations'],
  ['update_organization', 'put', '/admin/v1/organizations/{id}'],
  ['delete_organization', 'delete', '/admin/v1/organizations/{id}'],
  ['create_oidc_config', 'post', '/admin/v1/organizations/{org_id}/oidc-configs'],
  ['get_oidc_config', 'get', '/admin/v1/organizations/{org_id}/oidc-configs/{id}'],
  ['list_oidc_configs', 'get', '/admin/v1/organizations/{org_id}/oidc-configs'],
  ['delete_oidc_config', 'delete', '/admin/v1/organizations/{org_id}/oidc-configs/{id}'],
  ['list_my_oidc_configs', 'get', '/api/v1/oidc-configs'],
  ['create_my_oidc_config', 'post', '/api/v1/oidc-configs'],
  ['delete_my_oidc_config', 'delete', '/api/v1/oidc-configs/{id}'],
  ['liveness', 'get', '/health'],
  ['readiness', 'get', '/health/ready'],
];

/** Component schema names that clients generated from the original Pigeon document import. */
const ORIGINAL_SCHEMAS = [
  'CreateApplicationRequest',
  'UpdateApplicationRequest',
  'ApplicationResponse',
  'CreateEventTypeRequest',
  'UpdateEventTypeRequest',
  'EventTypeResponse',
  'CreateEndpointRequest',
  'UpdateEndpointRequest',
  'EndpointResponse',
  'SendMessageRequest',
  'SendMessageResponse',
  'MessageResponse',
  'AttemptResponse',
  'DeadLetterResponse',
  'ReplayDeadLetterResponse',
  'AppStatsResponse',
  'TimeBucketResponse',
  'EventTypeStatsResponse',
  'EventTypeTimeBucketResponse',
  'RecentMessageResponse',
  'EndpointStatsResponse',
  'EndpointTimeBucketResponse',
  'CreateOrganizationRequest',
  'UpdateOrganizationRequest',
  'OrganizationResponse',
  'CreateOidcConfigRequest',
  'OidcConfigResponse',
  'AuditLogResponse',
  'ErrorBody',
  'HealthResponse',
  'PaginatedApplicationResponse',
];

function readCommitted(): string {
  return readFileSync(COMMITTED_PATH, 'utf8');
}

/** Path with parameter names erased, so `/x/{id}` and `/x/{app_id}` compare equal. */
function pathShape(openApiPath: string): string {
  return openApiPath.replace(/\{[^}]+\}/g, '{}');
}

function findOperation(document: Document, method: string, openApiPath: string): Operation | undefined {
  const shape = pathShape(openApiPath);
  const entry = Object.entries(document.paths).find(([candidate]) => pathShape(candidate) === shape);

  return entry?.[1][method];
}

function operations(document: Document): Array<{ method: string; path: string; operation: Operation }> {
  return Object.entries(document.paths).flatMap(([openApiPath, item]) =>
    Object.entries(item).map(([method, operation]) => ({ method, path: openApiPath, operation })),
  );
}

function toOpenApiPath(...parts: string[]): string {
  const joined = parts
    .flatMap((part) => part.split('/'))
    .filter((segment) => segment !== '')
    .map((segment) => (segment.startsWith(':') ? `{${segment.slice(1)}}` : segment))
    .join('/');

  return `/${joined}`;
}

/** Lists every route of every controller Nest loaded, from the metadata its router reads. */
function registeredRoutes(offline: OfflineHttpApp): Route[] {
  const routes: Route[] = [];

  for (const module of offline.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (controller === null) {
        continue;
      }

      const controllerPaths = [Reflect.getMetadata(PATH_METADATA, controller) as string | string[]].flat();
      const classIsPublic = Reflect.getMetadata(IS_PUBLIC, controller) === true;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        const requestMethod = typeof handler === 'function' ? (Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined) : undefined;
        if (typeof handler !== 'function' || requestMethod === undefined || name === 'constructor') {
          continue;
        }

        const isPublic = classIsPublic || Reflect.getMetadata(IS_PUBLIC, handler) === true;
        for (const controllerPath of controllerPaths) {
          for (const handlerPath of [Reflect.getMetadata(PATH_METADATA, handler) as string | string[]].flat()) {
            routes.push({ method: RequestMethod[requestMethod].toLowerCase(), path: toOpenApiPath(controllerPath, handlerPath), isPublic });
          }
        }
      }
    }
  }

  return routes;
}

function describeRoute(route: { method: string; path: string }): string {
  return `${route.method.toUpperCase()} ${route.path}`;
}

function firstDifference(expected: string, actual: string): string {
  const expectedLines = expected.split('\n');
  const actualLines = actual.split('\n');
  const index = expectedLines.findIndex((line, position) => line !== actualLines[position]);
  const line = index === -1 ? expectedLines.length : index;

  return `line ${line + 1}: committed ${JSON.stringify(expectedLines[line])}, served ${JSON.stringify(actualLines[line])}`;
}

describe('OpenAPI document served by pigeon serve', () => {
  let pigeon: PigeonUnderTest;

  beforeAll(async () => {
    pigeon = await startPigeon();
  });

  afterAll(async () => {
    await pigeon?.stop();
  });

  it('is served without a token', async () => {
    const response = await pigeon.request('GET', '/api/openapi.json', undefined, { token: null });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('names Pigeon and the server version', async () => {
    const response = await pigeon.request('GET', '/api/openapi.json', undefined, { token: null });
    const document = response.json as Document;

    expect(document.openapi).toMatch(/^3\./);
    expect(document.info.title).toBe('Pigeon');
    expect(document.info.version).toBe(PIGEON_VERSION);
  });

  it('matches the committed docs/openapi.json', async () => {
    const response = await pigeon.request('GET', '/api/openapi.json', undefined, { token: null });
    const served = formatOpenApiJson(response.json);
    const committed = readCommitted();

    if (served !== committed) {
      throw new Error(`docs/openapi.json is out of date: run \`just openapi\` and commit the result (${firstDifference(committed, served)})`);
    }
  });
});

describe('OpenAPI document coverage of the registered routes', () => {
  let offline: OfflineHttpApp;
  let routes: Route[];
  let document: Document;

  beforeAll(async () => {
    offline = await createOfflineHttpApp();
    routes = registeredRoutes(offline);
    document = createOpenApiDocument(offline.app, PIGEON_VERSION) as unknown as Document;
  });

  afterAll(async () => {
    await offline?.close();
  });

  it('finds the routes Nest registered', () => {
    expect(routes).toContainEqual({ method: 'get', path: '/health', isPublic: true });
    expect(routes).toContainEqual({ method: 'post', path: '/api/v1/applications', isPublic: false });
  });

  it('documents every registered route', () => {
    const missing = routes.filter((route) => document.paths[route.path]?.[route.method] === undefined).map(describeRoute);

    expect(missing).toEqual([]);
  });

  it('documents no route that is not registered', () => {
    const registered = new Set(routes.map(describeRoute));
    const extra = operations(document).map(describeRoute).filter((route) => !registered.has(route));

    expect(extra).toEqual([]);
  });

  it('gives every operation a snake_case operation id', () => {
    const invalid = operations(document)
      .filter(({ operation }) => !/^[a-z]+(_[a-z]+)*$/.test(operation.operationId ?? ''))
      .map((entry) => `${describeRoute(entry)}: ${entry.operation.operationId ?? '(none)'}`);

    expect(invalid).toEqual([]);
  });

  it('uses each operation id once', () => {
    const ids = operations(document).map(({ operation }) => operation.operationId);
    const repeated = ids.filter((id, index) => ids.indexOf(id) !== index);

    expect(repeated).toEqual([]);
  });

  it('tags every operation', () => {
    const untagged = operations(document)
      .filter(({ operation }) => (operation.tags ?? []).length === 0)
      .map(describeRoute);

    expect(untagged).toEqual([]);
  });

  it('requires the bearer token exactly on non-public routes', () => {
    const wrong = routes
      .filter((route) => {
        const security = document.paths[route.path]?.[route.method]?.security ?? [];
        const requiresBearer = security.some((requirement) => 'bearer' in requirement);

        return requiresBearer === route.isPublic;
      })
      .map((route) => `${describeRoute(route)} (${route.isPublic ? 'public' : 'protected'})`);

    expect(wrong).toEqual([]);
  });

  it('documents 401 and 503 on every non-public route', () => {
    const incomplete = routes
      .filter((route) => !route.isPublic)
      .filter((route) => {
        const responses = document.paths[route.path]?.[route.method]?.responses ?? {};

        return responses['401'] === undefined || responses['503'] === undefined;
      })
      .map(describeRoute);

    expect(incomplete).toEqual([]);
  });

  it('documents 400, 413 and 415 on every route with a request body', () => {
    const incomplete = operations(document)
      .filter(({ operation }) => operation.requestBody !== undefined)
      .filter(({ operation }) => ['400', '413', '415'].some((status) => operation.responses[status] === undefined))
      .map(describeRoute);

    expect(incomplete).toEqual([]);
  });

  it('describes error responses of non-public routes with ErrorBody', () => {
    const wrong = routes
      .filter((route) => !route.isPublic)
      .flatMap((route) => {
        const responses = document.paths[route.path]?.[route.method]?.responses ?? {};

        return Object.entries(responses)
          .filter(([status]) => Number(status) >= 400)
          .filter(([, response]) => response.content?.['application/json']?.schema?.$ref !== ERROR_BODY_REF)
          .map(([status]) => `${describeRoute(route)} ${status}`);
      });

    expect(wrong).toEqual([]);
  });

  it('keeps the schema names of the original document', () => {
    const missing = ORIGINAL_SCHEMAS.filter((name) => document.components.schemas[name] === undefined);

    expect(missing).toEqual([]);
  });

  describe('operation ids of the original document', () => {
    // Jest needs the list of tests before any runs, so routes are looked up in the
    // committed document. The test above keeps that file equal to the served one.
    const committed = JSON.parse(readCommitted()) as Document;
    const built = ORIGINAL_OPERATIONS.filter(([, method, openApiPath]) => findOperation(committed, method, openApiPath) !== undefined);
    const notBuilt = ORIGINAL_OPERATIONS.filter((entry) => !built.includes(entry));

    if (notBuilt.length > 0) {
      // NOTE: these checks stay skipped until each route appears in docs/openapi.json.
      console.warn(`operation ids whose routes are not built yet: ${notBuilt.map(([id]) => id).join(', ')}`);
      it.skip.each(notBuilt)('keeps %s (route %s %s not built yet)', () => undefined);
    }

    it.each(built)('keeps %s on %s %s', (id, method, openApiPath) => {
      const operation = findOperation(document, method, openApiPath);

      expect(operation?.operationId).toBe(id);
    });
  });
});
