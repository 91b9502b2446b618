import type { FastifyInstance } from 'fastify';

/**
 * A tiny browser for in-process tests: a cookie jar, form posts, and redirects followed
 * only within Gatehouse (a redirect elsewhere is returned, as a browser would leave).
 */
export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(
    private readonly http: FastifyInstance,
    /** The client address the server sees (inject's remoteAddress); 127.0.0.1 unless given. */
    private readonly remoteAddress?: string,
  ) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(setCookie: string | string[] | undefined): void {
    for (const line of [setCookie ?? []].flat()) {
      const [pair] = line.split(';');
      const [name, ...rest] = (pair ?? '').split('=');
      if (!name) continue;
      const value = rest.join('=');
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
  }

  async request(method: 'GET' | 'POST', url: string, form?: Record<string, string>) {
    const res = await this.http.inject({
      method,
      url,
      ...(this.remoteAddress ? { remoteAddress: this.remoteAddress } : {}),
      headers: {
        cookie: this.cookieHeader(),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { payload: new URLSearchParams(form).toString() } : {}),
    });
    this.remember(res.headers['set-cookie'] as string | string[] | undefined);
    return res;
  }

  /** Follows same-server redirects; returns the last response and the outside Location, if any. */
  async follow(method: 'GET' | 'POST', url: string, form?: Record<string, string>) {
    let res = await this.request(method, url, form);
    for (let i = 0; i < 10; i++) {
      const location = res.headers.location;
      if (res.statusCode < 300 || res.statusCode >= 400 || typeof location !== 'string') return { res };
      if (!location.startsWith('/')) return { res, location };
      res = await this.request('GET', location);
    }
    throw new Error('too many redirects');
  }
}

/** Hidden field value from a page. */
export function field(page: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(page);
  if (!m) throw new Error(`no field ${name} in page`);
  return m[1] as string;
}

/** Signs in on the login page the browser is looking at, then follows on. */
export async function signIn(b: Browser, page: string, email: string, password: string) {
  const flow = /name="flow" value="([^"]*)"/.exec(page)?.[1];
  return b.follow('POST', '/login', {
    csrf_token: field(page, 'csrf_token'),
    ...(flow ? { flow } : {}),
    email,
    password,
  });
}

/** Presses Grant (or Deny) on the consent page the browser is looking at. */
export function decide(b: Browser, page: string, decision: 'grant' | 'deny') {
  return b.follow('POST', '/authorize/consent', {
    csrf_token: field(page, 'csrf_token'),
    flow: field(page, 'flow'),
    decision,
  });
}
