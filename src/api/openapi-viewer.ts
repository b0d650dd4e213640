/**
 * `/api/docs`: a small self-contained page (no CDN: Vigil runs offline) that fetches
 * `/api/openapi.json` and lists tags, paths, methods, summaries, permissions, parameters and schemas.
 * Everything from the document is inserted as text, never as HTML; the inline script is allowed by its
 * hash in the Content-Security-Policy.
 */
import { createHash } from 'node:crypto';

const SCRIPT = `
(async () => {
  const root = document.getElementById('ops');
  const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
  let doc;
  try {
    const res = await fetch('openapi.json');
    doc = await res.json();
  } catch (err) {
    root.append(el('p', 'Cannot load openapi.json: ' + err, 'err'));
    return;
  }
  document.getElementById('title').textContent = doc.info.title + ' ' + doc.info.version + ' (OpenAPI ' + doc.openapi + ')';
  const filter = document.getElementById('filter');
  const sections = [];
  const byTag = new Map();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const tag = (op.tags && op.tags[0]) || 'other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push({ path, method, op });
    }
  }
  for (const [tag, list] of [...byTag.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    const section = el('section');
    section.append(el('h2', tag));
    for (const { path, method, op } of list) {
      const d = el('details');
      d.dataset.text = (method + ' ' + path + ' ' + op.summary + ' ' + op['x-vigil-permission']).toLowerCase();
      const s = el('summary');
      s.append(el('span', method.toUpperCase(), 'm ' + method), el('code', path), el('span', op.summary, 'sum'), el('span', op['x-vigil-permission'], 'perm'));
      d.append(s);
      if (op.parameters) {
        d.append(el('h4', 'Parameters'));
        const t = el('table');
        for (const p of op.parameters) {
          const tr = el('tr');
          tr.append(el('td', p.name), el('td', p.in), el('td', p.required ? 'required' : ''), el('td', JSON.stringify(p.schema)), el('td', p.description || ''));
          t.append(tr);
        }
        d.append(t);
      }
      if (op.requestBody) {
        d.append(el('h4', 'Request body'));
        for (const [type, c] of Object.entries(op.requestBody.content)) d.append(el('pre', type + '\\n' + JSON.stringify(c.schema, null, 2)));
      }
      d.append(el('h4', 'Responses'));
      for (const [status, r] of Object.entries(op.responses)) {
        d.append(el('div', status + ': ' + r.description, 'resp'));
        if (r.content) for (const [type, c] of Object.entries(r.content)) d.append(el('pre', type + '\\n' + JSON.stringify(c.schema, null, 2)));
      }
      section.append(d);
    }
    sections.push(section);
    root.append(section);
  }
  filter.addEventListener('input', () => {
    const q = filter.value.toLowerCase();
    for (const d of root.querySelectorAll('details')) d.hidden = q !== '' && !d.dataset.text.includes(q);
  });
})();
`;

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
code, pre { font-family: ui-monospace, monospace; }
pre { background: #f5f5f5; padding: .5em; overflow: auto; max-height: 30em; }
summary { cursor: pointer; padding: .3em 0; }
summary > * { margin-right: .8em; }
.m { display: inline-block; width: 4.5em; font-weight: bold; }
.get { color: #06c; } .post { color: #080; } .patch, .put { color: #a60; } .delete { color: #c00; }
.perm { color: #777; font-size: 12px; } .err { color: #c00; }
table { border-collapse: collapse; } td { border: 1px solid #ddd; padding: .2em .5em; }
input { width: 30em; padding: .3em; }
`;

const HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Vigil API</title><style>${STYLE}</style></head>
<body><h1 id="title">Vigil API</h1>
<p>Generated from the server's routes: <a href="openapi.json">openapi.json</a>. Authenticate with <code>Authorization: Bearer &lt;token&gt;</code> or a console session.</p>
<p><input id="filter" placeholder="filter: path, method, summary or permission"></p>
<div id="ops"></div>
<script>${SCRIPT}</script></body></html>`;

const SCRIPT_HASH = createHash('sha256').update(SCRIPT).digest('base64');
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

export const DOCS_HTML = HTML;
export const DOCS_CSP = `default-src 'none'; script-src 'sha256-${SCRIPT_HASH}'; style-src 'sha256-${STYLE_HASH}'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
