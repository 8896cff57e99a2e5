import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { HwError } from '../errors.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.ico': 'image/x-icon', '.woff2': 'font/woff2',
};

/** Paths the app's router knows; each is answered with index.html so deep links (from notifications) work. */
const APP_ROUTES = ['/', '/transactions', '/rules', '/rules/*', '/alerts/*'];

/** Where `make build` puts the app: dist/web next to dist/src when compiled, or under the checkout when run with tsx. */
export function defaultWebRoot(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../../web'), resolve(here, '../../dist/web')];
  return candidates.find((c) => existsSync(join(c, 'index.html')));
}

/**
 * Serves the built web app: hashed assets cached for a year, index.html never cached (so a
 * new build shows at once). Without a build the root says how to make one.
 */
export async function webAppRoutes(app: FastifyInstance, root: string | undefined): Promise<void> {
  const send = async (reply: FastifyReply, file: string, immutable: boolean) => {
    const body = await readFile(file);
    return reply
      .type(TYPES[extname(file)] ?? 'application/octet-stream')
      .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .send(body);
  };
  const index = async (_req: unknown, reply: FastifyReply) => {
    if (!root) {
      return reply.type('text/plain; charset=utf-8').send('HerdWatch API. The web app is not built: run `make build` (it writes dist/web). The API is under /api/v1 (see /api/v1/openapi.json).\n');
    }
    return send(reply, join(root, 'index.html'), false);
  };
  // The app's pages and assets are not API: the OpenAPI document leaves them out.
  const hidden = { schema: { hide: true } };
  for (const path of APP_ROUTES) app.get(path, hidden, index);
  app.get<{ Params: { '*': string } }>('/assets/*', hidden, async (request, reply) => {
    const rel = normalize(request.params['*']);
    const dir = root ? join(root, 'assets') : undefined;
    const file = dir ? join(dir, rel) : undefined;
    // Nothing outside the assets directory, whatever the path says.
    if (!dir || !file || !file.startsWith(dir + sep) || !existsSync(file)) {
      throw new HwError('HW_ERR_NOT_FOUND', { field: 'url', message: `no asset ${request.params['*']}` });
    }
    return send(reply, file, true);
  });
}
