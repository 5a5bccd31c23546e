import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { isPigeonError, type PigeonErrorCode } from '@pigeon/domain';
import type { Request, Response } from 'express';

import { type ErrorBody, type ErrorCode, HttpProblem } from './error-body';

function fromPigeonCode(code: PigeonErrorCode): { status: number; code: ErrorCode } {
  switch (code) {
    case 'validation_failed':
      return { status: 400, code: 'bad_request' };
    case 'not_found':
      return { status: 404, code: 'not_found' };
    case 'version_conflict':
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
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const { status, body } = this.describe(exception, request);

    if (status >= 500 && status !== 503) {
      this.logger.error({
        msg: 'request failed',
        requestId: request.headers['x-request-id'],
        method: request.method,
        path: request.path,
        err: exception,
      });
    }

    response.status(status).type('application/json').send(JSON.stringify(body));
  }

  private describe(exception: unknown, request: Request): { status: number; body: ErrorBody } {
    if (isPigeonError(exception)) {
      const mapped = fromPigeonCode(exception.code);

      return { status: mapped.status, body: { error: exception.message, code: mapped.code } };
    }
    if (exception instanceof HttpProblem) {
      return { status: exception.status, body: { error: exception.message, code: exception.code } };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const message = status === 404 ? `no route for ${request.method} ${request.path}` : exception.message;

      return { status, body: { error: message, code: fromStatus(status) } };
    }

    const parserError = exception as BodyParserError;
    if (parserError?.type === 'entity.too.large') {
      return { status: 413, body: { error: 'request body is too large', code: 'payload_too_large' } };
    }
    if (typeof parserError?.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
      return { status: parserError.status, body: { error: 'request body could not be read', code: fromStatus(parserError.status) } };
    }

    return { status: 500, body: { error: 'internal error', code: 'internal_error' } };
  }
}
