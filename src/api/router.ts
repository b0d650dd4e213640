/**
 * A small router: routes are data (method, path template, permission, summary) so the permission table
 * and the API description can be walked; matching is literal segments plus `:name` parameters.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './http.js';
import { roleAllows, type Permission, type Role } from './permissions.js';

/** Who is calling. */
export interface Principal {
  name: string;
  role: Role;
  /** 'token' for API tokens, 'ingest' for shipper tokens, 'session' for a console login. */
  kind: string;
  /** Source profile forced for events this principal sends. */
  profile?: string;
  /** The user behind a session or a user-made token. */
  userId?: number;
  username?: string;
  /** SHA-256 of the session id, for session principals. */
  session?: string;
}

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  /** Set on every non-public route. */
  principal: Principal | undefined;
  /** The body, bounded by the server's limit. */
  body(): Promise<Buffer>;
}

/** A plain JSON Schema (2020-12, as OpenAPI 3.1 uses). */
export type JsonSchema = Record<string, unknown>;

/** What a route takes and answers, for the OpenAPI document (validation stays in the handler). */
export interface RouteSchema {
  /** Query parameters by name (each a JSON Schema; `description` and `required: true` are lifted out). */
  query?: Record<string, JsonSchema>;
  /** JSON request body. */
  body?: JsonSchema;
  /** Success answer (JSON unless `responseType` says otherwise). */
  response?: JsonSchema;
  /** Success status; default 200. */
  status?: number;
  /** Content type of the success answer; default application/json. */
  responseType?: string;
  /** Path parameters by name; default: a string each. */
  params?: Record<string, JsonSchema>;
}

export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** `/api/v1/alerts/:id`: literal segments and `:name` parameters. */
  path: string;
  permission: Permission | 'public';
  summary: string;
  handler(ctx: RequestContext): Promise<void> | void;
  /** Request and response schemas for the OpenAPI document. */
  schema?: RouteSchema;
  /** Answer for a missing or wrong credential (HEC clients expect Splunk's shape). */
  unauthorized?(ctx: RequestContext): void;
}

interface CompiledRoute {
  def: RouteDef;
  pattern: RegExp;
  names: string[];
}

/** The caller's principal, undefined for none; may throw an HttpError (e.g. 403 for a missing CSRF token). */
export type Authenticate = (req: IncomingMessage) => Principal | undefined;

function compilePath(path: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path.split('/').map((seg) => {
    if (seg.startsWith(':')) {
      names.push(seg.slice(1));
      return '([^/]+)';
    }
    return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }).join('/');
  return { pattern: new RegExp(`^${source}$`), names };
}

export class Router {
  private readonly routes: CompiledRoute[] = [];

  constructor(private readonly authenticate: Authenticate) {}

  add(...defs: RouteDef[]): this {
    for (const def of defs) this.routes.push({ def, ...compilePath(def.path) });
    return this;
  }

  list(): readonly RouteDef[] {
    return this.routes.map((r) => r.def);
  }

  async dispatch(ctx: Omit<RequestContext, 'params' | 'principal'>): Promise<void> {
    const method = ctx.req.method ?? 'GET';
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(ctx.url.pathname);
      if (!m) continue;
      pathMatched = true;
      if (route.def.method !== method) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        try {
          params[name] = decodeURIComponent(m[i + 1]!);
        } catch {
          throw new HttpError(400, 'api.path', `path parameter '${name}' is not valid percent-encoding`);
        }
      });
      const full: RequestContext = { ...ctx, params, principal: undefined };
      if (route.def.permission !== 'public') {
        const principal = this.authenticate(ctx.req);
        if (!principal) {
          if (route.def.unauthorized) { route.def.unauthorized(full); return; }
          ctx.res.setHeader('www-authenticate', 'Bearer realm="vigil"');
          throw new HttpError(401, 'api.unauthorized', 'a valid bearer token or session is required');
        }
        if (!roleAllows(principal.role, route.def.permission)) {
          throw new HttpError(403, 'api.forbidden', `role '${principal.role}' lacks permission '${route.def.permission}'`);
        }
        full.principal = principal;
      }
      await route.def.handler(full);
      return;
    }
    if (pathMatched) throw new HttpError(405, 'api.method', `method ${method} not allowed`);
    throw new HttpError(404, 'api.not_found', 'not found');
  }
}
