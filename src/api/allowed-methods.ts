import type { FastifyInstance, RouteOptions } from 'fastify';

/** A route path as a pattern: `:name` matches one segment, `*` the rest. */
function pattern(url: string): RegExp {
  const body = url.split('/').map((seg) => (seg.startsWith(':') ? '[^/]+' : seg === '*' ? '.*' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
  return new RegExp(`^${body.replace(/\/\.\*$/, '(?:/.*)?')}$`);
}

/**
 * Records the methods of every route registered from now on, so a request for a known path
 * with another method can be told apart from an unknown path: 405 with `Allow`, not 404.
 */
export function trackMethods(app: FastifyInstance): (path: string) => string[] {
  const routes: { re: RegExp; methods: string[] }[] = [];
  app.addHook('onRoute', (opts: RouteOptions) => {
    routes.push({ re: pattern(opts.url), methods: [opts.method].flat() });
  });
  return (path) => {
    const allowed = new Set<string>();
    for (const r of routes) if (r.re.test(path)) for (const m of r.methods) allowed.add(m);
    return [...allowed].sort();
  };
}
