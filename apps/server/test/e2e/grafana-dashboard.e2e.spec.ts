import { readFileSync } from 'node:fs';
import path from 'node:path';

import { eventually, startReceiver, type TestReceiver } from '../../../../test-support/receiver';
import { isExported, metricNamesIn, metricNamesInVariableQuery, readExposition, type Exposition } from '../support/promql';
import { type PigeonUnderTest, startPigeon } from '../support/pigeon-harness';

jest.setTimeout(60_000);

const DASHBOARD_PATH = path.resolve(__dirname, '../../../../docs/grafana-dashboard.json');

interface Target {
  readonly expr?: string;
  readonly refId?: string;
}

interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly gridPos?: { x: number; y: number; w: number; h: number };
  readonly targets?: Target[];
  readonly panels?: Panel[];
  readonly datasource?: { type: string; uid: string };
}

interface Dashboard {
  readonly title: string;
  readonly uid: string;
  readonly panels: Panel[];
  readonly templating: { list: Array<{ name: string; type: string; query?: string | { query: string } }> };
}

const dashboard = JSON.parse(readFileSync(DASHBOARD_PATH, 'utf8')) as Dashboard;

/** Returns every panel, those inside collapsed rows included. */
function allPanels(panels: readonly Panel[]): Panel[] {
  return panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);
}

const queryPanels = allPanels(dashboard.panels).filter((panel) => panel.type !== 'row');

/** Returns every PromQL expression of the dashboard, labelled with where it sits. */
function expressions(): Array<{ where: string; expr: string }> {
  return queryPanels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: `${panel.title} ${target.refId}`, expr: target.expr ?? '' })));
}

function variableQueries(): Array<{ where: string; query: string }> {
  return dashboard.templating.list
    .filter((variable) => variable.type === 'query')
    .map((variable) => ({ where: `variable ${variable.name}`, query: typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '') }));
}

describe('metric names in PromQL', () => {
  it('finds the series inside functions and aggregations', () => {
    const names = metricNamesIn('histogram_quantile(0.95, sum by (le, route) (rate(pigeon_http_request_duration_seconds_bucket{job=~"$job"}[$__rate_interval])))');

    expect(names).toEqual(['pigeon_http_request_duration_seconds_bucket']);
  });

  it('finds both sides of a binary operator', () => {
    const names = metricNamesIn('sum(rate(a_sum[5m])) / on (job) group_left sum(rate(a_count[5m])) and b_total offset 1h > bool 2e3');

    expect(names).toEqual(['a_sum', 'a_count', 'b_total']);
  });

  it('ignores label values that look like names', () => {
    const names = metricNamesIn('sum(rate(x_total{status="dead_letter", route=~"/api/v1/(foo|bar)"}[5m]))');

    expect(names).toEqual(['x_total']);
  });

  it('reads label_values variable queries', () => {
    expect(metricNamesInVariableQuery('label_values(pigeon_delivery_total, job)')).toEqual(['pigeon_delivery_total']);
  });

  describe('isExported', () => {
    const exposition: Exposition = readExposition(
      [
        '# TYPE d_seconds histogram',
        'd_seconds_bucket{le="+Inf"} 1',
        'd_seconds_sum 0.2',
        'd_seconds_count 1',
        '# TYPE q_depth gauge',
        'q_depth 3',
        '# TYPE s_seconds summary',
        's_seconds{quantile="0.5"} 1',
        's_seconds_sum 1',
        's_seconds_count 1',
      ].join('\n'),
    );

    it.each([['d_seconds_bucket'], ['d_seconds_sum'], ['d_seconds_count'], ['q_depth'], ['s_seconds'], ['s_seconds_count']])('accepts %s', (name) => {
      expect(isExported(name, exposition)).toBe(true);
    });

    it.each([['d_seconds'], ['q_depth_bucket'], ['q_depth_count'], ['s_seconds_bucket'], ['missing_total']])('rejects %s', (name) => {
      expect(isExported(name, exposition)).toBe(false);
    });
  });
});

describe('docs/grafana-dashboard.json', () => {
  let pigeon: PigeonUnderTest;
  let receivers: TestReceiver[];
  let exposition: Exposition;

  beforeAll(async () => {
    const healthy = await startReceiver([200]);
    const broken = await startReceiver([500]);
    receivers = [healthy, broken];
    pigeon = await startPigeon({ PIGEON_WORKER_MAX_RETRIES: '2', PIGEON_WORKER_BACKOFF_BASE_SECS: '0', PIGEON_WORKER_MAX_BACKOFF_SECS: '0' });

    // Traffic that makes every labelled series appear: deliveries of each outcome, a duplicate send and HTTP errors.
    const appId = (await pigeon.request('POST', '/api/v1/applications', { name: 'Dashboard', uid: 'dashboard' })).json.id;
    const eventTypeId = (await pigeon.request('POST', `/api/v1/applications/${appId}/event-types`, { name: 'panel.drawn' })).json.id;
    for (const receiver of receivers) {
      await pigeon.request('POST', `/api/v1/applications/${appId}/endpoints`, { url: receiver.url, event_type_ids: [eventTypeId] });
    }
    const message = { event_type_id: eventTypeId, payload: { panel: 1 }, idempotency_key: 'panel-1' };
    const first = await pigeon.request('POST', `/api/v1/applications/${appId}/messages`, message);
    await pigeon.request('POST', `/api/v1/applications/${appId}/messages`, message);
    await pigeon.request('GET', '/api/v1/no-such-route');
    await eventually(async () => {
      const attempts = (await pigeon.request('GET', `/api/v1/applications/${appId}/messages/${first.json.id}/attempts`)).json as Array<{ status: string }>;

      return attempts.filter((attempt) => attempt.status === 'succeeded' || attempt.status === 'failed').length === 2 ? true : undefined;
    });

    exposition = readExposition(await (await fetch(`${pigeon.baseUrl}/metrics`)).text());
  });

  afterAll(async () => {
    await pigeon?.stop();
    await Promise.all((receivers ?? []).map((receiver) => receiver.stop()));
  });

  it('has queries', () => {
    expect(expressions().length).toBeGreaterThan(10);
    expect(expressions().filter(({ expr }) => expr.trim() === '')).toEqual([]);
  });

  it('names only metrics the server exports', () => {
    const unknown = [
      ...expressions().flatMap(({ where, expr }) => metricNamesIn(expr).map((name) => ({ where, name }))),
      ...variableQueries().flatMap(({ where, query }) => metricNamesInVariableQuery(query).map((name) => ({ where, name }))),
    ].filter(({ name }) => !isExported(name, exposition));

    expect(unknown).toEqual([]);
  });

  it('shows every Pigeon metric', () => {
    const used = new Set(expressions().flatMap(({ expr }) => metricNamesIn(expr)).map((name) => name.replace(/_(bucket|sum|count)$/, '')));
    const families = [...exposition.types.keys()].filter((name) => name.startsWith('pigeon_'));

    expect(families.filter((family) => !used.has(family))).toEqual([]);
  });

  it('gives every panel a unique id and a place', () => {
    const ids = allPanels(dashboard.panels).map((panel) => panel.id);

    expect(new Set(ids).size).toBe(ids.length);
    expect(allPanels(dashboard.panels).filter((panel) => panel.gridPos === undefined).map((panel) => panel.title)).toEqual([]);
  });

  it('reads from the chosen Prometheus data source', () => {
    const elsewhere = queryPanels.filter((panel) => panel.datasource?.uid !== '${datasource}').map((panel) => panel.title);

    expect(elsewhere).toEqual([]);
  });
});
