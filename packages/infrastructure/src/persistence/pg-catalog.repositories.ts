import {
  ApplicationRepository,
  EndpointRepository,
  EventTypeRepository,
  type Page,
  type PageRequest,
} from '@pigeon/application';
import { type Application, type Endpoint, type EventType, PigeonError } from '@pigeon/domain';

import {
  type ApplicationRow,
  type EndpointRow,
  type EventTypeRow,
  likePattern,
  toApplication,
  toEndpoint,
  toEventType,
} from './mappers';
import type { DatabaseContext } from './transaction-context';

interface CountRow {
  total: string;
}

async function page<Row, T>(
  db: DatabaseContext,
  listSql: string,
  countSql: string,
  parameters: unknown[],
  request: PageRequest,
  map: (row: Row) => T,
): Promise<Page<T>> {
  const n = parameters.length;
  const [rows, counts] = await Promise.all([
    db.query<Row>(`${listSql} LIMIT $${n + 1} OFFSET $${n + 2}`, [...parameters, request.limit, request.offset]),
    db.query<CountRow>(countSql, parameters),
  ]);

  return { items: rows.map(map), total: Number(counts[0]?.total ?? 0), offset: request.offset, limit: request.limit };
}

/** An update that matched no row lost a race: the version changed after it was read. */
function assertOneRowWritten(affected: number): void {
  if (affected !== 1) {
    throw PigeonError.versionConflict();
  }
}

export class PgApplicationRepository extends ApplicationRepository {
  constructor(private readonly db: DatabaseContext) {
    super();
  }

  async insert(application: Application, testEventType: EventType): Promise<void> {
    await this.db.query(
      `INSERT INTO applications (id, org_id, name, uid, created_at, version) VALUES ($1, $2, $3, $4, $5, $6)`,
      [application.id, application.orgId, application.name, application.uid, application.createdAt, application.version],
    );
    await this.db.query(
      `INSERT INTO event_types (id, app_id, name, schema, system, created_at, version) VALUES ($1, $2, $3, NULL, true, $4, $5)`,
      [testEventType.id, application.id, testEventType.name, testEventType.createdAt, testEventType.version],
    );
  }

  async findInOrg(orgId: string, id: string): Promise<Application | null> {
    const rows = await this.db.query<ApplicationRow>(`SELECT * FROM applications WHERE id = $1 AND org_id = $2`, [id, orgId]);

    return rows[0] ? toApplication(rows[0]) : null;
  }

  listInOrg(orgId: string, request: PageRequest, search: string | null): Promise<Page<Application>> {
    const filter = search === null || search === '' ? '' : ` AND (name ILIKE $2 OR uid ILIKE $2)`;
    const parameters = filter === '' ? [orgId] : [orgId, likePattern(search ?? '')];

    return page(
      this.db,
      `SELECT * FROM applications WHERE org_id = $1${filter} ORDER BY created_at DESC, id`,
      `SELECT count(*) AS total FROM applications WHERE org_id = $1${filter}`,
      parameters,
      request,
      toApplication,
    );
  }

  async update(application: Application, expectedVersion: number): Promise<void> {
    const result = await this.db.execute(
      `UPDATE applications SET name = $1, version = $2 WHERE id = $3 AND org_id = $4 AND version = $5`,
      [application.name, application.version, application.id, application.orgId, expectedVersion],
    );
    assertOneRowWritten(result);
  }

  async delete(orgId: string, id: string): Promise<boolean> {
    const result = await this.db.execute(`DELETE FROM applications WHERE id = $1 AND org_id = $2`, [id, orgId]);

    return result === 1;
  }
}

export class PgEventTypeRepository extends EventTypeRepository {
  constructor(private readonly db: DatabaseContext) {
    super();
  }

  async insert(eventType: EventType): Promise<void> {
    await this.db.query(
      `INSERT INTO event_types (id, app_id, name, schema, system, created_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        eventType.id,
        eventType.appId,
        eventType.name,
        eventType.schema === null ? null : JSON.stringify(eventType.schema),
        eventType.system,
        eventType.createdAt,
        eventType.version,
      ],
    );
  }

  async findInApp(appId: string, id: string): Promise<EventType | null> {
    const rows = await this.db.query<EventTypeRow>(`SELECT * FROM event_types WHERE id = $1 AND app_id = $2`, [id, appId]);

    return rows[0] ? toEventType(rows[0]) : null;
  }

  listInApp(appId: string, request: PageRequest): Promise<Page<EventType>> {
    return page(
      this.db,
      `SELECT * FROM event_types WHERE app_id = $1 AND NOT system ORDER BY created_at DESC, id`,
      `SELECT count(*) AS total FROM event_types WHERE app_id = $1 AND NOT system`,
      [appId],
      request,
      toEventType,
    );
  }

  async findUnknownIds(appId: string, ids: readonly string[]): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      `SELECT id FROM event_types WHERE app_id = $1 AND NOT system AND id = ANY($2::uuid[])`,
      [appId, ids],
    );
    const known = new Set(rows.map((row) => row.id));

    return ids.filter((id) => !known.has(id));
  }

  async update(eventType: EventType, expectedVersion: number): Promise<void> {
    const result = await this.db.execute(
      `UPDATE event_types SET name = $1, schema = $2, version = $3 WHERE id = $4 AND app_id = $5 AND version = $6`,
      [
        eventType.name,
        eventType.schema === null ? null : JSON.stringify(eventType.schema),
        eventType.version,
        eventType.id,
        eventType.appId,
        expectedVersion,
      ],
    );
    assertOneRowWritten(result);
  }

  async delete(appId: string, id: string): Promise<boolean> {
    const result = await this.db.execute(`DELETE FROM event_types WHERE id = $1 AND app_id = $2 AND NOT system`, [id, appId]);

    return result === 1;
  }
}

const ENDPOINT_COLUMNS = `e.*, ARRAY(SELECT ee.event_type_id FROM endpoint_events ee WHERE ee.endpoint_id = e.id ORDER BY ee.event_type_id) AS event_type_ids`;

export class PgEndpointRepository extends EndpointRepository {
  constructor(private readonly db: DatabaseContext) {
    super();
  }

  async insert(endpoint: Endpoint): Promise<void> {
    await this.db.query(
      `INSERT INTO endpoints (id, app_id, name, url, enabled, signing_secrets, created_at, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        endpoint.id,
        endpoint.appId,
        endpoint.name,
        endpoint.url,
        endpoint.enabled,
        endpoint.signingSecrets,
        endpoint.createdAt,
        endpoint.version,
      ],
    );
    await this.replaceSubscriptions(endpoint);
  }

  async findInApp(appId: string, id: string): Promise<Endpoint | null> {
    const rows = await this.db.query<EndpointRow>(`SELECT ${ENDPOINT_COLUMNS} FROM endpoints e WHERE e.id = $1 AND e.app_id = $2`, [
      id,
      appId,
    ]);

    return rows[0] ? toEndpoint(rows[0]) : null;
  }

  listInApp(appId: string, request: PageRequest): Promise<Page<Endpoint>> {
    return page(
      this.db,
      `SELECT ${ENDPOINT_COLUMNS} FROM endpoints e WHERE e.app_id = $1 ORDER BY e.created_at DESC, e.id`,
      `SELECT count(*) AS total FROM endpoints WHERE app_id = $1`,
      [appId],
      request,
      toEndpoint,
    );
  }

  async update(endpoint: Endpoint, expectedVersion: number): Promise<void> {
    const rows = await this.db.query<{ updated: number }>(
      `WITH updated AS (
         UPDATE endpoints SET name = $1, url = $2, enabled = $3, signing_secrets = $4, version = $5,
           enabled_at = CASE WHEN $3 AND NOT enabled THEN now() ELSE enabled_at END
         WHERE id = $6 AND app_id = $7 AND version = $8
         RETURNING id, app_id, enabled
       ),
       announced AS (
         INSERT INTO event_outbox (id, event_type, payload)
         SELECT gen_random_uuid(), 'endpoint_updated', jsonb_build_object('endpoint_id', id, 'app_id', app_id, 'enabled', enabled)
         FROM updated
       )
       SELECT count(*)::integer AS updated FROM updated`,
      [
        endpoint.name,
        endpoint.url,
        endpoint.enabled,
        endpoint.signingSecrets,
        endpoint.version,
        endpoint.id,
        endpoint.appId,
        expectedVersion,
      ],
    );
    assertOneRowWritten(rows[0]?.updated ?? 0);
    await this.replaceSubscriptions(endpoint);
  }

  async delete(appId: string, id: string): Promise<boolean> {
    const result = await this.db.execute(`DELETE FROM endpoints WHERE id = $1 AND app_id = $2`, [id, appId]);

    return result === 1;
  }

  private async replaceSubscriptions(endpoint: Endpoint): Promise<void> {
    await this.db.query(`DELETE FROM endpoint_events WHERE endpoint_id = $1`, [endpoint.id]);
    if (endpoint.eventTypeIds.length === 0) {
      return;
    }

    await this.db.query(
      `INSERT INTO endpoint_events (endpoint_id, event_type_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
      [endpoint.id, endpoint.eventTypeIds],
    );
  }
}
