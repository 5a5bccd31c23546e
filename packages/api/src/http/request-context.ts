import { AsyncLocalStorage } from 'node:async_hooks';

import type { NextFunction, Request, RequestHandler, Response } from 'express';

interface RequestContext {
  readonly requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/**
 * Makes the request id visible to everything that runs for the request,
 * including code that never receives the request object, such as handlers and
 * adapters logging through the application's Logger port. Register it right
 * after `requestIdMiddleware`, which settles the id.
 */
export function requestContextMiddleware(): RequestHandler {
  return (request: Request, _response: Response, next: NextFunction) => {
    storage.run({ requestId: String(request.headers['x-request-id']) }, next);
  };
}

/** Returns `{ requestId }` while a request is being handled, else no fields. */
export function requestLogFields(): Readonly<Record<string, unknown>> {
  const context = storage.getStore();

  return context === undefined ? {} : { requestId: context.requestId };
}
