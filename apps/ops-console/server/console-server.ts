import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http, { IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * The ops console's server: the built single-page app, and `/api/<service>/<path>` passed on to
 * that service. The browser then talks to one origin only, so the services need no CORS (they
 * have none: an API that takes bearer tokens is better not opened to every origin) and the
 * console works the same behind any reverse proxy. The bearer token goes through untouched: the
 * services decide what the user may do; this server decides nothing.
 */
export interface ConsoleServerOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** The built app (vite build output): index.html and assets/. */
  staticDir: string;
  /** Service name → base URL, e.g. {"pool-ledger": "http://127.0.0.1:3003"}. */
  services: Record<string, string>;
  /** Upstream time limit for one request, ms (CSV exports stream for longer: the limit is for the first byte). */
  upstreamTimeoutMs?: number;
}

export interface ConsoleServer {
  url: string;
  close(): Promise<void>;
}

/** Request headers passed to the services; everything else (cookies, origin…) stays here. */
const FORWARDED_REQUEST = ['authorization', 'content-type', 'accept', 'idempotency-key', 'if-match', 'if-none-match', 'content-length'];
/** Response headers passed back. */
const FORWARDED_RESPONSE = ['content-type', 'content-disposition', 'etag', 'location', 'www-authenticate', 'cache-control', 'retry-after'];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

function problem(response: ServerResponse, status: number, code: string, title: string, detail: string): void {
  if (response.headersSent) return void response.destroy();
  response.writeHead(status, { 'content-type': 'application/problem+json' });
  response.end(JSON.stringify({ type: 'about:blank', title, status, code, detail }));
}

function proxy(request: IncomingMessage, response: ServerResponse, service: string, base: string, rest: string, timeoutMs: number): void {
  const target = new URL(rest, base);
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const upstream = http.request(target, { method: request.method, headers, timeout: timeoutMs }, (answer) => {
    const out: Record<string, string | string[]> = {};
    for (const name of FORWARDED_RESPONSE) {
      const value = answer.headers[name];
      if (value !== undefined) out[name] = value;
    }
    response.writeHead(answer.statusCode ?? 502, out);
    answer.pipe(response);
    answer.on('error', () => response.destroy());
  });
  upstream.on('timeout', () => upstream.destroy(new Error(`no answer within ${timeoutMs} ms`)));
  upstream.on('error', (error) =>
    problem(
      response,
      502,
      'CONSOLE.SERVICE_UNREACHABLE',
      'The service did not answer',
      `${service} is not reachable (${(error as NodeJS.ErrnoException).code ?? error.message})`,
    ),
  );
  request.pipe(upstream);
  response.on('close', () => upstream.destroy());
}

async function serveStatic(staticDir: string, pathname: string, response: ServerResponse): Promise<void> {
  const root = path.resolve(staticDir);
  let file = path.resolve(root, `.${decodeURIComponent(pathname)}`);
  if (!file.startsWith(root + path.sep) && file !== root) return problem(response, 400, 'CONSOLE.BAD_PATH', 'Bad path', pathname);
  let info = await stat(file).catch(() => undefined);
  // The app routes itself (/tenants/contoso/wallet): anything that is not a file is index.html.
  if (!info?.isFile()) {
    if (pathname.startsWith('/assets/')) return problem(response, 404, 'CONSOLE.NOT_FOUND', 'Not found', pathname);
    file = path.join(root, 'index.html');
    info = await stat(file).catch(() => undefined);
    if (!info) return problem(response, 503, 'CONSOLE.NOT_BUILT', 'The console is not built', `no ${file}: run npx nx build ops-console`);
  }
  const hashed = pathname.startsWith('/assets/');
  response.writeHead(200, {
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
    ...(path.extname(file) === '.html' ? { 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' } : {}),
  });
  createReadStream(file).pipe(response);
}

export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const timeoutMs = options.upstreamTimeoutMs ?? 30_000;
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://console');
    const api = /^\/api\/([a-z-]+)(\/.*)?$/.exec(url.pathname);
    if (api) {
      const [, service, rest = '/'] = api;
      const base = options.services[service!];
      if (!base)
        return problem(
          response,
          404,
          'CONSOLE.UNKNOWN_SERVICE',
          'Unknown service',
          `no service ${service} (known: ${Object.keys(options.services).join(', ')})`,
        );
      return proxy(request, response, service!, base, `${rest}${url.search}`, timeoutMs);
    }
    if (url.pathname === '/console-config.json') {
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache' });
      return void response.end(JSON.stringify({ services: Object.keys(options.services) }));
    }
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return problem(response, 405, 'CONSOLE.METHOD_NOT_ALLOWED', 'Method not allowed', request.method ?? '');
    serveStatic(options.staticDir, url.pathname, response).catch((error: Error) =>
      problem(response, 500, 'CONSOLE.FAILED', 'The console server failed', error.message),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The services of the running system and their default ports (design.md). */
export const DEFAULT_SERVICES: Record<string, string> = {
  licensing: 'http://127.0.0.1:3001',
  'dialout-policy': 'http://127.0.0.1:3002',
  'pool-ledger': 'http://127.0.0.1:3003',
  'credit-wallet': 'http://127.0.0.1:3004',
  'toll-free': 'http://127.0.0.1:3005',
  reporting: 'http://127.0.0.1:3006',
};
