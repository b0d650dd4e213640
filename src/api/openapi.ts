/**
 * The OpenAPI 3.1 document, generated from the router's route list: every route with its method,
 * summary, permission (`x-vigil-permission`), path parameters (`:id` -> `{id}`), query parameters,
 * request body and success answer from its `schema` (or the KNOWN_SCHEMAS table).
 */
import { SESSION_COOKIE } from './authenticate.js';
import { KNOWN_SCHEMAS } from './openapi-schemas.js';
import type { JsonSchema, RouteDef, RouteSchema } from './router.js';

export interface OpenApiInfo {
  title?: string;
  version?: string;
}

type Operation = Record<string, unknown>;

const ERROR: JsonSchema = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' }, column: { type: 'integer' }, token: { type: 'string' } }, required: ['code', 'message'] } },
};

/** `/api/v1/cases/:id/tasks/:taskId` -> `/api/v1/cases/{id}/tasks/{taskId}` and the names in order. */
export function openApiPath(path: string): { path: string; params: string[] } {
  const params: string[] = [];
  const out = path.split('/').map((seg) => {
    if (!seg.startsWith(':')) return seg;
    params.push(seg.slice(1));
    return `{${seg.slice(1)}}`;
  }).join('/');
  return { path: out, params };
}

/** Lifts `description` and `required` out of a parameter schema (they belong on the parameter object). */
function parameter(name: string, where: 'path' | 'query', schema: JsonSchema): Record<string, unknown> {
  const { description, required, ...rest } = schema;
  const p: Record<string, unknown> = { name, in: where, required: where === 'path' ? true : required === true, schema: rest };
  if (typeof description === 'string') p['description'] = description;
  return p;
}

function operation(route: RouteDef): Operation {
  const schema: RouteSchema = route.schema ?? KNOWN_SCHEMAS[`${route.method} ${route.path}`] ?? {};
  const { params } = openApiPath(route.path);
  const op: Operation = {
    operationId: operationId(route),
    summary: route.summary,
    tags: [tagOf(route.path)],
    'x-vigil-permission': route.permission,
  };
  const parameters = [
    ...params.map((n) => parameter(n, 'path', schema.params?.[n] ?? { type: 'string' })),
    ...Object.entries(schema.query ?? {}).map(([n, s]) => parameter(n, 'query', s)),
  ];
  if (parameters.length) op['parameters'] = parameters;
  if (schema.body) op['requestBody'] = { required: true, content: { 'application/json': { schema: schema.body } } };
  const status = String(schema.status ?? 200);
  const responses: Record<string, unknown> = {
    [status]: { description: 'Success', ...(schema.response ? { content: { [schema.responseType ?? 'application/json']: { schema: schema.response } } } : {}) },
    400: { description: 'Invalid request (the error names the field or column)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  };
  if (route.permission === 'public') op['security'] = [];
  else {
    responses['401'] = { description: 'No valid credential', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    responses['403'] = { description: `The role lacks '${route.permission}'`, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  }
  op['responses'] = responses;
  return op;
}

function tagOf(path: string): string {
  const parts = path.split('/').filter(Boolean);
  const i = parts[0] === 'api' ? (parts[1] === 'v1' ? 2 : 1) : 0;
  return parts[i] && !parts[i]!.startsWith(':') ? parts[i]! : 'ingest';
}

function operationId(route: RouteDef): string {
  const words = route.path.split('/').filter((s) => s && s !== 'api' && s !== 'v1').map((s) => (s.startsWith(':') ? `by-${s.slice(1)}` : s));
  return [route.method.toLowerCase(), ...words].join('-').replace(/[^A-Za-z0-9-]/g, '');
}

export function openApiDocument(routes: readonly RouteDef[], info: OpenApiInfo = {}): Record<string, unknown> {
  const paths: Record<string, Record<string, Operation>> = {};
  for (const route of routes) {
    const { path } = openApiPath(route.path);
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: info.title ?? 'Vigil API',
      version: info.version ?? 'dev',
      description: 'Vigil, a self-hosted SecOps platform. Every operation names the one permission it needs in x-vigil-permission.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'API token (Authorization: Bearer ...)' },
        session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'Console session from POST /api/v1/auth/login; unsafe methods also need X-CSRF-Token' },
      },
      schemas: { Error: ERROR },
    },
    paths,
  };
}
