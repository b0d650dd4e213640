/** `GET /api/openapi.json` (the document, generated from the live route list) and `GET /api/docs` (a viewer); both public. */
import { openApiDocument, type OpenApiInfo } from '../openapi.js';
import { DOCS_CSP, DOCS_HTML } from '../openapi-viewer.js';
import { sendJson } from '../http.js';
import type { RouteDef } from '../router.js';

export function openApiRoutes(routes: () => readonly RouteDef[], info: OpenApiInfo = {}): RouteDef[] {
  let cached: Record<string, unknown> | undefined;
  let cachedFor = -1;
  return [
    {
      method: 'GET', path: '/api/openapi.json', permission: 'public', summary: 'This OpenAPI 3.1 document',
      schema: { response: { type: 'object', description: 'OpenAPI 3.1 document' } },
      handler: ({ res }) => {
        const list = routes();
        if (!cached || cachedFor !== list.length) { cached = openApiDocument(list, info); cachedFor = list.length; }
        sendJson(res, 200, cached);
      },
    },
    {
      method: 'GET', path: '/api/docs', permission: 'public', summary: 'Browsable API documentation (HTML)',
      schema: { response: { type: 'string' }, responseType: 'text/html' },
      handler: ({ res }) => {
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'content-length': Buffer.byteLength(DOCS_HTML),
          'content-security-policy': DOCS_CSP,
          'x-content-type-options': 'nosniff',
          'cache-control': 'no-cache',
        });
        res.end(DOCS_HTML);
      },
    },
  ];
}
