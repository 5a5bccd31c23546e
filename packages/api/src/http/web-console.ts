import * as path from 'node:path';

import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

/** Path prefixes that belong to the API server and never fall back to the web console. */
export const SERVER_PATH_PREFIXES: readonly string[] = ['/api', '/admin', '/health', '/metrics'];

function isServerPath(requestPath: string): boolean {
  return SERVER_PATH_PREFIXES.some((prefix) => requestPath === prefix || requestPath.startsWith(`${prefix}/`));
}

/**
 * Serves the built web console from `directory`: its files as they are, and
 * `index.html` for any other GET or HEAD, so that the console's client-side
 * routes such as `/applications/<id>` survive a reload. Requests under
 * {@link SERVER_PATH_PREFIXES} pass through untouched, so an unknown API path
 * still gets the JSON 404 and a wrong method the JSON 405.
 */
export function webConsoleMiddleware(directory: string): RequestHandler {
  const root = path.resolve(directory);
  const indexFile = path.join(root, 'index.html');
  // Vite puts a content hash in every asset name, so assets never change under
  // one URL, while index.html must be fetched again to pick up a new build.
  const files = express.static(root, {
    index: false,
    fallthrough: true,
    setHeaders: (response, filePath) => {
      const immutable = filePath.startsWith(path.join(root, 'assets') + path.sep);
      response.setHeader('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });

  return (request: Request, response: Response, next: NextFunction) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || isServerPath(request.path)) {
      next();

      return;
    }

    files(request, response, (error?: unknown) => {
      if (error !== undefined) {
        next(error);

        return;
      }
      // A missing asset is a 404, not the console page, which a browser would
      // try to run as a script or a stylesheet.
      if (request.path.startsWith('/assets/')) {
        next();

        return;
      }
      response.setHeader('Cache-Control', 'no-cache');
      response.sendFile(indexFile, (sendError?: Error) => {
        if (sendError !== undefined && !response.headersSent) {
          next(sendError);
        }
      });
    });
  };
}
