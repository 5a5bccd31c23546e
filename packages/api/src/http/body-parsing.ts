import { randomUUID } from 'node:crypto';

import type { NextFunction, Request, RequestHandler, Response } from 'express';
import express from 'express';

import { HttpProblem } from './error-body';

/** Request fields this layer adds: the body text as received and a deferred parse failure. */
export interface PigeonRequest extends Request {
  rawBody?: string;
  bodyProblem?: HttpProblem | Error;
}

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;
const VISIBLE_ASCII = /^[\x21-\x7e]{1,200}$/;

/**
 * Reads every body as text up to `limitBytes` and parses JSON itself, keeping
 * the text: a message payload is forwarded as the client wrote it. Failures are
 * stored on the request instead of thrown here, because Express middleware
 * errors bypass Nest's exception filter; `JsonInterceptor` raises them
 * after authentication, so an anonymous caller still gets 401 first.
 */
export function jsonBodyParser(limitBytes: number): RequestHandler {
  const readText = express.text({ type: () => true, limit: limitBytes, defaultCharset: 'utf-8' });

  return (request: Request, response: Response, next: NextFunction) => {
    const pigeonRequest = request as PigeonRequest;

    readText(request, response, (error?: unknown) => {
      if (error) {
        pigeonRequest.bodyProblem = error instanceof Error ? error : new Error(String(error));
        pigeonRequest.body = undefined;
        next();

        return;
      }

      const text = typeof request.body === 'string' ? request.body : '';
      pigeonRequest.rawBody = text;
      pigeonRequest.body = undefined;

      // The original web UI sends an empty body (and a JSON content type) on POSTs that need none.
      if (text.trim() === '') {
        next();

        return;
      }

      if (!JSON_TYPE.test(request.headers['content-type'] ?? '')) {
        pigeonRequest.bodyProblem = new HttpProblem(
          415,
          'unsupported_media_type',
          'request body must be JSON sent with Content-Type: application/json',
        );
        next();

        return;
      }

      if (nestingDepth(text) > MAX_JSON_DEPTH) {
        pigeonRequest.bodyProblem = HttpProblem.badRequest(`JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`);
        next();

        return;
      }

      try {
        pigeonRequest.body = JSON.parse(text);
      } catch (parseError) {
        const detail = parseError instanceof Error ? parseError.message : 'invalid JSON';
        pigeonRequest.bodyProblem = HttpProblem.badRequest(`malformed JSON body: ${detail}`);
      }
      next();
    });
  };
}

/**
 * Deepest nesting of objects and arrays a body may have. Validation and
 * serialisation recurse per level, so an unbounded depth could exhaust the stack.
 */
export const MAX_JSON_DEPTH = 64;

/** Returns the deepest nesting of `[` and `{` in JSON text, ignoring brackets inside strings. */
export function nestingDepth(json: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;

  for (let index = 0; index < json.length; index += 1) {
    const char = json.charCodeAt(index);

    if (inString) {
      if (char === 0x5c) {
        index += 1;
      } else if (char === 0x22) {
        inString = false;
      }
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x5b || char === 0x7b) {
      depth += 1;
      deepest = Math.max(deepest, depth);
    } else if (char === 0x5d || char === 0x7d) {
      depth -= 1;
    }
  }

  return deepest;
}

/** Uses the caller's `x-request-id` when it is short visible ASCII, otherwise a new UUID, and echoes it. */
export function requestIdMiddleware(): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    const supplied = request.headers['x-request-id'];
    const requestId = typeof supplied === 'string' && VISIBLE_ASCII.test(supplied) ? supplied : randomUUID();

    request.headers['x-request-id'] = requestId;
    response.setHeader('x-request-id', requestId);
    next();
  };
}
