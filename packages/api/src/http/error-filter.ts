import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { isPigeonError, type PigeonErrorCode } from '@pigeon/domain';
import type { Request, Response } from 'express';

import { type ErrorBody, type ErrorCode, HttpProblem } from './error-body';
import { RouteTable, routeLabel } from './route-table';

function fromPigeonCode(code: PigeonErrorCode): { status: number; code: ErrorCode } {
  switch (code) {
    case 'validation_failed':
      return { status: 400, code: 'bad_request' };
    case 'not_found':
      return { status: 404, code: 'not_found' };
    case 'version_conflict':
    case 'conflict':
      return { status: 409, code: 'conflict' };
    case 'unauthenticated':
      return { status: 401, code: 'unauthorized' };
    case 'forbidden':
      return { status: 403, code: 'forbidden' };
    case 'auth_unavailable':
      return { status: 503, code: 'service_unavailable' };
  }
}

/** Wire codes for the statuses Nest and Express raise on their own (unknown route, body parser limits). */
function fromStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'bad_request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 405:
      return 'method_not_allowed';
    case 409:
      return 'conflict';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    case 503:
      return 'service_unavailable';
    default:
      return status >= 500 ? 'internal_error' : 'bad_request';
  }
}

interface BodyParserError {
  type?: string;
  status?: number;
}

/** Status, JSON body and extra headers of an error response. */
export interface HttpErrorResponse {
  readonly status: number;
  readonly body: ErrorBody;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Maps any failure to its error response. A path that exists with other
 * methods gets 405 with `Allow`. Routing runs before authentication, so an
 * anonymous request with a wrong method also gets 405 rather than 401: it
 * reveals only the route table, which the public OpenAPI document lists anyway.
 */
export function describeHttpError(exception: unknown, request: Request): HttpErrorResponse {
  const plain = (status: number, code: ErrorCode, error: string): HttpErrorResponse => ({ status, body: { error, code }, headers: {} });

  if (isPigeonError(exception)) {
    const mapped = fromPigeonCode(exception.code);

    return plain(mapped.status, mapped.code, exception.message);
  }
  if (exception instanceof HttpProblem) {
    return plain(exception.status, exception.code, exception.message);
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status !== 404) {
      return plain(status, fromStatus(status), exception.message);
    }

    // Nest's not-found handler raises this when no route matched method and path together.
    const match = RouteTable.of(request).match(request.path);
    if (match === null || match.methods.includes(request.method)) {
      return plain(404, 'not_found', `no route for ${request.method} ${request.path}`);
    }

    const allowed = match.methods.join(', ');

    return {
      status: 405,
      body: { error: `method ${request.method} is not allowed for ${request.path}; allowed: ${allowed}`, code: 'method_not_allowed' },
      headers: { allow: allowed },
    };
  }

  const parserError = exception as BodyParserError;
  if (parserError?.type === 'entity.too.large') {
    return plain(413, 'payload_too_large', 'request body is too large');
  }
  if (typeof parserError?.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
    return plain(parserError.status, fromStatus(parserError.status), 'request body could not be read');
  }

  return plain(500, 'internal_error', 'internal error');
}

/**
 * Error fields safe to log: type, message, SQLSTATE and stack. Never the whole
 * object, because database errors carry the query parameters, which can hold
 * payloads and secrets.
 */
export function errorLogFields(exception: unknown): Record<string, unknown> {
  if (!(exception instanceof Error)) {
    return { type: typeof exception };
  }

  const code = (exception as { code?: unknown }).code;

  return {
    // pg names its server errors 'error', so the class name is more specific.
    type: exception.name === 'error' ? exception.constructor.name : exception.name,
    message: exception.message,
    ...(typeof code === 'string' ? { code } : {}),
    stack: exception.stack,
  };
}

/**
 * Logs an unexpected failure once, with the request id and route; never
 * headers, tokens or bodies.
 */
export function logRequestFailure(logger: Logger, exception: unknown, request: Request): void {
  const fields = { method: request.method, route: routeLabel(request), error: errorLogFields(exception) };
  logger.error({ msg: 'request failed', requestId: request.headers['x-request-id'], ...fields });
}

/** Sends an error response as JSON; 500s are logged first. */
export function sendHttpError(logger: Logger, exception: unknown, request: Request, response: Response): void {
  const { status, body, headers } = describeHttpError(exception, request);

  if (status >= 500 && status !== 503) {
    logRequestFailure(logger, exception, request);
  }

  response.status(status).set(headers).type('application/json').send(JSON.stringify(body));
}

/**
 * Turns every failure into the JSON body `{error, code}`. Unknown errors become
 * a 500 that says nothing about internals; the detail is logged once with the
 * request id.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();

    sendHttpError(this.logger, exception, http.getRequest<Request>(), http.getResponse<Response>());
  }
}
