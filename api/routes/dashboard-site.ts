import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';

/**
 * Framework's pages run inline module scripts and styles, draw to blob: and data: images, and
 * fetch their data from this origin. Nothing may come from another host: the site is built offline.
 */
const SITE_CSP = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  scriptSrc: ["'self'", "'unsafe-inline'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  workerSrc: ["'self'", 'blob:'],
  objectSrc: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'self'"],
};

const NOT_BUILT = 'the dashboard is not built yet: run `npx replywatch dashboard build` (same --data as serve), then reload';

/**
 * The static dashboard site that `replywatch dashboard build` wrote to `dir`, at `/`: `/team` is
 * `team.html`, `/` is `index.html`, and the hashed assets (`/_observablehq/…`, `/_file/…`) are
 * cached for good. The directory is looked up on every request, so a build made while the server
 * runs is served at once. Routes of the API and the webhooks are more specific and win.
 */
export const dashboardSite: FastifyPluginAsync<{ dir: string }> = async (app, options) => {
  const root = resolve(options.dir);
  await app.register(fastifyStatic, { root, serve: false, dotfiles: 'deny', suppressWarning: true });

  // Unknown webhook paths stay the API's JSON 404, with the API's headers.
  for (const path of ['/webhooks', '/webhooks/*']) app.get(path, { schema: { hide: true } }, (_request, reply) => reply.callNotFound());

  app.get(
    '/*',
    { schema: { hide: true }, helmet: { contentSecurityPolicy: { useDefaults: false, directives: SITE_CSP } } },
    (request, reply) => {
      if (!existsSync(resolve(root, 'index.html'))) return notBuilt(request, reply);
      const path = request.url.split('?')[0]!;
      const file = siteFile(root, path);
      // Browsers ask every site for an icon; the dashboards have none, and that is no error.
      if (!file && path === '/favicon.ico') return reply.status(204).send();
      if (!file) return reply.callNotFound();
      if (file.startsWith('/_')) return reply.sendFile(file, { maxAge: '365d', immutable: true });
      reply.header('cache-control', 'no-cache');
      return reply.sendFile(file, { cacheControl: false });
    },
  );
};

/** The file for a URL path: itself, `<path>.html`, or `<path>/index.html`; never outside root. */
function siteFile(root: string, urlPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (path.includes('\0')) return undefined;
  const candidates = path.endsWith('/') ? [`${path}index.html`] : [path, `${path}.html`, `${path}/index.html`];
  for (const candidate of candidates) {
    const full = resolve(root, `.${candidate}`);
    if (!full.startsWith(root + sep)) continue;
    if (statSync(full, { throwIfNoEntry: false })?.isFile()) return full.slice(root.length).split(sep).join('/');
  }
  return undefined;
}

function notBuilt(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.status(404).header('cache-control', 'no-cache');
  if (!(request.headers.accept ?? '').includes('text/html')) return reply.send({ error: { code: 'not_found', message: NOT_BUILT } });
  return reply
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><meta charset="utf-8"><title>replywatch</title>` +
        `<body style="font: 16px system-ui, sans-serif; margin: 3rem; max-width: 40rem">` +
        `<h1>replywatch</h1><p>The dashboard is not built yet. Run</p><pre>npx replywatch dashboard build</pre>` +
        `<p>with the same <code>--data</code> as <code>serve</code>, then reload. The API is at <a href="/api/openapi.json">/api</a>.</p>`,
    );
}
