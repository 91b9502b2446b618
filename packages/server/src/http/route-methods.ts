import type { FastifyInstance } from 'fastify';

/**
 * Which methods each registered path answers, learnt from Fastify's public onRoute hook,
 * so that a request the router did not match can be told apart: a path nobody serves
 * (404) from a path served under other methods (405 with `Allow`, RFC 9110 15.5.6).
 */
export class RouteMethods {
  private readonly exact = new Map<string, Set<string>>();
  private readonly patterns: Array<{ re: RegExp; methods: Set<string> }> = [];

  /** Starts recording. Call before any route is added (child plugins inherit the hook). */
  static track(app: FastifyInstance): RouteMethods {
    const routes = new RouteMethods();
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      routes.add(route.url, methods);
    });
    return routes;
  }

  add(url: string, methods: readonly string[]): void {
    let set: Set<string> | undefined;
    if (!url.includes(':') && !url.includes('*')) {
      set = this.exact.get(url) ?? new Set();
      this.exact.set(url, set);
    } else {
      set = new Set();
      this.patterns.push({ re: compile(url), methods: set });
    }
    for (const m of methods) {
      set.add(m.toUpperCase());
      // Fastify answers HEAD for every GET route (exposeHeadRoutes).
      if (m.toUpperCase() === 'GET') set.add('HEAD');
    }
  }

  /** The methods served at `path` (no query string), sorted; empty when none. */
  allowed(path: string): string[] {
    const out = new Set(this.exact.get(path));
    for (const p of this.patterns) if (p.re.test(path)) for (const m of p.methods) out.add(m);
    return [...out].sort();
  }
}

/** find-my-way path syntax to a RegExp: `:name`, `:name(regex)` and a trailing `*`. */
function compile(url: string): RegExp {
  let out = '';
  for (let i = 0; i < url.length; i++) {
    const c = url[i] as string;
    if (c === '*') out += '.*';
    else if (c === ':' && url[i + 1] === ':') {
      out += ':'; // `::` is an escaped literal colon
      i++;
    } else if (c === ':') {
      let j = i + 1;
      while (j < url.length && /[\w$]/.test(url[j] as string)) j++;
      if (url[j] === '(') {
        const end = closingParen(url, j);
        out += `(?:${url.slice(j + 1, end)})`;
        j = end + 1;
      } else out += '[^/]+';
      i = j - 1;
    } else out += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

function closingParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '(') depth++;
    else if (s[i] === ')' && --depth === 0) return i;
  }
  return s.length - 1;
}
