import { METHODS } from 'node:http';

import type { Request } from 'express';

/** Route label for requests whose path matches no registered route. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Order of methods in an `Allow` header; others follow alphabetically. */
const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

interface RegisteredRoute {
  readonly pattern: string;
  readonly matcher: RegExp;
  readonly methods: ReadonlySet<string>;
}

/** Express's record of a route: its path pattern and the lower-case methods it handles. */
interface ExpressRoute {
  path?: unknown;
  methods?: Record<string, boolean>;
}

/** Express's record of a router layer. Only route layers have `route`. */
interface RouterLayer {
  route?: ExpressRoute;
}

interface ExpressAppLike {
  router?: { stack?: RouterLayer[] };
}

/** The routes a path matches: the first pattern in registration order and every method allowed on the path. */
export interface PathMatch {
  readonly pattern: string;
  readonly methods: readonly string[];
}

const tables = new WeakMap<object, RouteTable>();

/**
 * The routes registered on an Express application, read once from its router
 * after start-up, to tell "wrong method" (405) from "no such path" (404) and to
 * label metrics of requests that no route handled. Matching follows Express
 * defaults: case-insensitive, optional trailing slash, `:param` matching one
 * non-empty segment of the raw path.
 */
export class RouteTable {
  private constructor(private readonly routes: readonly RegisteredRoute[]) {}

  /**
   * Returns the table of the application that received `request`, built on
   * first use. Requests arrive only after `init()` registered every route, so
   * the table is complete when it is built.
   */
  static of(request: Request): RouteTable {
    const app = request.app as unknown as object;
    let table = tables.get(app);
    if (table === undefined) {
      table = RouteTable.fromExpressApp(app as ExpressAppLike);
      tables.set(app, table);
    }

    return table;
  }

  static fromExpressApp(app: ExpressAppLike): RouteTable {
    const byPattern = new Map<string, Set<string>>();

    for (const layer of app.router?.stack ?? []) {
      const route = layer.route;
      if (route === undefined || typeof route.path !== 'string' || isMiddlewareMount(route)) {
        continue;
      }

      const methods = byPattern.get(route.path) ?? new Set<string>();
      for (const [method, enabled] of Object.entries(route.methods ?? {})) {
        if (enabled) {
          methods.add(method.toUpperCase());
        }
      }
      byPattern.set(route.path, methods);
    }

    const routes: RegisteredRoute[] = [];
    for (const [pattern, methods] of byPattern) {
      const matcher = compilePattern(pattern);
      if (matcher === null) {
        continue;
      }
      // Express handles HEAD with the GET handler.
      if (methods.has('GET')) {
        methods.add('HEAD');
      }
      routes.push({ pattern, matcher, methods });
    }

    return new RouteTable(routes);
  }

  /** Returns the routes matching a raw (still percent-encoded) path, or null when none does. */
  match(path: string): PathMatch | null {
    const matching = this.routes.filter((route) => route.matcher.test(path));
    if (matching.length === 0) {
      return null;
    }

    const methods = new Set(matching.flatMap((route) => [...route.methods]));

    return { pattern: matching[0]!.pattern, methods: sortMethods(methods) };
  }
}

/**
 * Returns the route pattern of a request for metrics and logs: the route that
 * handled it, else the pattern its path matches (a wrong method, a path that
 * could not be decoded), else `unmatched`. Never the raw path, which contains ids.
 */
export function routeLabel(request: Request): string {
  const route = request.route as ExpressRoute | undefined;
  if (route !== undefined && typeof route.path === 'string' && !isMiddlewareMount(route)) {
    return route.path;
  }

  return RouteTable.of(request).match(request.path)?.pattern ?? UNMATCHED_ROUTE;
}

/**
 * Tells a middleware mount from an endpoint. Nest mounts middleware with
 * `app.all('/{*path}')`, which Express 5 registers as one route handling
 * every method; every request passes it, so it sets `request.route` too.
 */
function isMiddlewareMount(route: ExpressRoute): boolean {
  const methods = route.methods ?? {};

  return methods._all === true || METHODS.every((method) => methods[method.toLowerCase()] === true);
}

/**
 * Compiles the Express 5 path syntax used by Nest routes: literal segments and
 * `:name` parameters. Returns null for other syntax (`*wildcard`, `{optional}`),
 * whose routes then count as unknown paths here.
 */
function compilePattern(pattern: string): RegExp | null {
  if (/[*{}()?+]/.test(pattern)) {
    return null;
  }

  const source = pattern
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.\\^$|[\]]/g, '\\$&')))
    .join('/');

  return new RegExp(`^${source}/?$`, 'i');
}

function sortMethods(methods: Set<string>): string[] {
  const rank = (method: string): number => {
    const index = METHOD_ORDER.indexOf(method);

    return index === -1 ? METHOD_ORDER.length : index;
  };

  return [...methods].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
