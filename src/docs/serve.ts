/**
 * A local preview server for the docs site (node:http, 127.0.0.1 only):
 * static files from one directory (no path leaves it; directories serve
 * their index.html), live component status at GET /api/status.json from a
 * callback, and live reload over Server-Sent Events at GET /api/events
 * (reload() tells every open page to reload). HTML pages it serves get a
 * `<meta name="hearth-server">` naming what it offers, so site.js only
 * calls the API of a server that has it (no console noise elsewhere).
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

export interface ServeRequestInfo {
  method: string;
  /** The request path as received (query included). */
  url: string;
  status: number;
}

export interface ServeOptions {
  /** The directory to serve (the built site). */
  root: string;
  /** 0 or absent: any free port. */
  port?: number;
  host?: '127.0.0.1';
  /** Live status for GET /api/status.json; absent: 404. A throw answers 503. */
  status?: () => Promise<unknown>;
  /** Called once per request, when its answer starts (for logging). */
  onRequest?: (info: ServeRequestInfo) => void;
}

export interface DocsServer {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  close(): Promise<void>;
  /** Tell every open page to reload. */
  reload(): void;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.dot': 'text/vnd.graphviz; charset=utf-8',
  '.gv': 'text/vnd.graphviz; charset=utf-8',
  '.mmd': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.yaml': 'text/yaml; charset=utf-8',
  '.yml': 'text/yaml; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export function contentType(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Serve the docs site in `root` on 127.0.0.1. */
export async function serveDocs(opts: ServeOptions): Promise<DocsServer> {
  const host = '127.0.0.1';
  if (opts.host !== undefined && opts.host !== host) throw new Error(`serveDocs binds to ${host} only`);
  const root = await fs.promises.realpath(path.resolve(opts.root));
  if (!(await fs.promises.stat(root)).isDirectory()) throw new Error(`${opts.root} is not a directory`);
  const clients = new Set<http.ServerResponse>();
  const offers = opts.status ? 'status events' : 'events';
  let port = 0;
  let reloads = 0;

  const send = (req: http.IncomingMessage, res: http.ServerResponse, status: number, type: string, body: string | Buffer, extra: http.OutgoingHttpHeaders = {}) => {
    const buf = typeof body === 'string' ? Buffer.from(body) : body;
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': buf.length, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache', ...extra });
    opts.onRequest?.({ method: req.method ?? '', url: req.url ?? '', status });
    res.end(req.method === 'HEAD' ? undefined : buf);
  };
  const json = (req: http.IncomingMessage, res: http.ServerResponse, status: number, value: unknown) =>
    send(req, res, status, 'application/json; charset=utf-8', JSON.stringify(value, null, 2) + '\n', { 'Cache-Control': 'no-store' });
  const page = (req: http.IncomingMessage, res: http.ServerResponse, status: number, title: string, text: string) =>
    send(
      req,
      res,
      status,
      'text/html; charset=utf-8',
      `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${status} ${escapeHtml(title)}</title></head>` +
        `<body style="font-family: system-ui, sans-serif; margin: 3rem auto; max-width: 40rem; padding: 0 1rem"><h1>${status} ${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p><p><a href="/">Back to the docs</a></p></body></html>\n`,
    );

  const within = (p: string) => p === root || p.startsWith(root + path.sep);

  async function serveFile(req: http.IncomingMessage, res: http.ServerResponse, rawPath: string): Promise<void> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(rawPath);
    } catch {
      return page(req, res, 400, 'Bad request', 'The path is not valid percent-encoding.');
    }
    const segments = decoded.split('/');
    if (decoded.includes('\0') || decoded.includes('\\') || segments.includes('..')) return page(req, res, 403, 'Forbidden', 'The path leaves the docs directory.');
    if (segments.some((s) => s.startsWith('.') && s !== '.' && s !== '')) return page(req, res, 404, 'Not found', `${decoded} is not part of the docs.`);
    let file = path.join(root, ...segments);
    if (!within(file)) return page(req, res, 403, 'Forbidden', 'The path leaves the docs directory.');
    let stat: fs.Stats;
    try {
      // Symbolic links may not lead out of the directory either.
      file = await fs.promises.realpath(file);
      if (!within(file)) return page(req, res, 403, 'Forbidden', 'The path leaves the docs directory.');
      stat = await fs.promises.stat(file);
      if (stat.isDirectory()) {
        if (!rawPath.endsWith('/')) {
          const location = rawPath + '/';
          return send(req, res, 301, 'text/plain; charset=utf-8', `See ${location}\n`, { Location: location });
        }
        file = path.join(file, 'index.html');
        stat = await fs.promises.stat(file);
      }
      if (!stat.isFile()) throw new Error('not a file');
    } catch {
      return page(req, res, 404, 'Not found', `${decoded} is not part of the docs.`);
    }
    let body = await fs.promises.readFile(file);
    const type = contentType(file);
    if (type.startsWith('text/html')) {
      // Tell site.js what this server offers (live status, live reload).
      const text = body.toString('utf8');
      const meta = `<meta name="hearth-server" content="${offers}">`;
      const at = text.search(/<\/head>/i);
      body = Buffer.from(at >= 0 ? text.slice(0, at) + meta + text.slice(at) : meta + text);
    }
    send(req, res, 200, type, body);
  }

  async function status(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!opts.status) return json(req, res, 404, { error: 'no live status: this server was started without it' });
    let value: unknown;
    try {
      value = await opts.status();
    } catch (e) {
      return json(req, res, 503, { error: e instanceof Error ? e.message : String(e) });
    }
    json(req, res, 200, value ?? null);
  }

  function events(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Content-Type-Options': 'nosniff' });
    opts.onRequest?.({ method: req.method ?? '', url: req.url ?? '', status: 200 });
    res.write('retry: 1000\n: connected\n\n');
    clients.add(res);
    const done = () => clients.delete(res);
    req.on('close', done);
    res.on('close', done);
  }

  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q >= 0 ? url.slice(0, q) : url;
    // 127.0.0.1 only, and only under its own name (no DNS rebinding onto the status API).
    const hostHeader = (req.headers.host ?? '').toLowerCase();
    const names = port === 80 ? [host, 'localhost', `${host}:80`, 'localhost:80'] : [`${host}:${port}`, `localhost:${port}`];
    if (!names.includes(hostHeader)) return page(req, res, 403, 'Forbidden', 'Unexpected Host header.');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(req, res, 405, 'text/plain; charset=utf-8', 'Only GET and HEAD.\n', { Allow: 'GET, HEAD' });
    if (!rawPath.startsWith('/')) return page(req, res, 400, 'Bad request', 'The path must start with /.');
    const fail = (e: unknown) => {
      if (!res.headersSent) page(req, res, 500, 'Server error', e instanceof Error ? e.message : String(e));
      else res.destroy();
    };
    if (rawPath === '/api/status.json') return void status(req, res).catch(fail);
    if (rawPath === '/api/events') return events(req, res);
    serveFile(req, res, rawPath).catch(fail);
  });

  // Comments keep idle SSE connections open through proxies and sleepy laptops.
  const heartbeat = setInterval(() => {
    for (const c of clients) c.write(': ping\n\n');
  }, 25_000);
  heartbeat.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as { port: number }).port;

  return {
    url: `http://${host}:${port}/`,
    reload() {
      reloads++;
      for (const c of clients) c.write(`event: reload\ndata: ${reloads}\n\n`);
    },
    close() {
      clearInterval(heartbeat);
      for (const c of clients) c.end();
      clients.clear();
      return new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
