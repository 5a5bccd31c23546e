import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import { answerClientErrorsWithJson, type ErrorBody } from '@pigeon/api';
import type { Logger, Metrics } from '@pigeon/application';

export interface ProbeServerOptions {
  readonly host: string;
  readonly port: number;
  readonly isReady: () => Promise<boolean>;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

const PROBE_PATHS = ['/health', '/health/ready', '/metrics'] as const;
type ProbePath = (typeof PROBE_PATHS)[number];

const ALLOWED_METHODS = 'GET, HEAD';

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function probePathOf(url: string): ProbePath | null {
  const path = url.split('?', 1)[0] ?? '';

  return PROBE_PATHS.find((candidate) => candidate === path) ?? null;
}

async function answer(options: ProbeServerOptions, path: ProbePath, response: ServerResponse): Promise<void> {
  switch (path) {
    case '/health':
      sendJson(response, 200, { status: 'healthy' });
      break;
    case '/health/ready': {
      const ready = await options.isReady();
      sendJson(response, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
      break;
    }
    case '/metrics': {
      const exposition = await options.metrics.expose();
      response.writeHead(200, { 'content-type': exposition.contentType }).end(exposition.body);
      break;
    }
  }
}

/**
 * Starts the HTTP listener of a worker process: `/health`, `/health/ready` and
 * `/metrics` as the API serves them, so orchestrators and Prometheus treat both
 * kinds of process alike. Every other request gets a JSON 404 or 405, and its
 * metrics are recorded like the API's.
 */
export function startProbeServer(options: ProbeServerOptions): Promise<Server> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const startedAt = process.hrtime.bigint();
    const method = request.method ?? 'GET';
    const path = probePathOf(request.url ?? '/');

    response.once('finish', () => {
      options.metrics.httpRequestFinished({
        method,
        route: path ?? 'unmatched',
        status: response.statusCode,
        durationSeconds: Number(process.hrtime.bigint() - startedAt) / 1e9,
      });
    });

    if (path === null) {
      sendJson(response, 404, { error: `no route for ${method} ${request.url ?? '/'}`, code: 'not_found' } satisfies ErrorBody);

      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      const body: ErrorBody = {
        error: `method ${method} is not allowed for ${path}; allowed: ${ALLOWED_METHODS}`,
        code: 'method_not_allowed',
      };
      sendJson(response, 405, body, { allow: ALLOWED_METHODS });

      return;
    }

    answer(options, path, response).catch((error: unknown) => {
      options.logger.error('probe request failed', { method, route: path, error: error instanceof Error ? error.message : String(error) });
      if (!response.headersSent) {
        sendJson(response, 500, { error: 'internal error', code: 'internal_error' } satisfies ErrorBody);
      }
    });
  });
  answerClientErrorsWithJson(server);

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve(server));
  });
}
