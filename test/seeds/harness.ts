import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Guide, GuideAppCredentials } from '../../packages/server/src/demo/guide-apps.ts';
import type { DemoCredentials } from '../../packages/server/src/demo/seed.ts';
import { postgresSkip, withTestPostgres } from '../../packages/server/test/pg.ts';
import { freePort } from '../helpers/live-gatehouse.ts';
import { banner, startProcess } from '../helpers/start-process.ts';

/** Gatehouse and the demo API as `npm start` runs them, on fresh ports and a fresh database. */
export interface Stack {
  /** Gatehouse's base URL: the "host" each guide's requests are pointed at. */
  gatehouse: string;
  demoApi: string;
  creds: DemoCredentials;
  app(guide: Guide): GuideAppCredentials;
  /** The demo admin's e-mail and password (admin of two companies). */
  admin: { email: string; password: string };
}

async function startStack(databaseUrl: string | undefined): Promise<Stack & { stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-seeds-'));
  const port = await freePort();
  const demoPort = await freePort();
  const proc = startProcess({
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    DEMO_API_PORT: String(demoPort),
    GATEHOUSE_DATA_DIR: dataDir,
    // Other nodes' changes (and revocations) reach this one within 100 ms.
    GATEHOUSE_INVALIDATION_POLL_MS: '100',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  const child = proc.child;
  await banner(proc);
  const creds = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8')) as DemoCredentials;
  const admin = creds.users.find((u) => u.role === 'admin');
  if (!admin?.password) throw new Error('the demo admin has no password in demo-credentials.json');
  return {
    gatehouse: `http://127.0.0.1:${port}`,
    demoApi: `http://127.0.0.1:${demoPort}`,
    creds,
    admin: { email: admin.email, password: admin.password },
    app(guide) {
      const g = creds.guides?.find((x) => x.guide === guide);
      if (!g) throw new Error(`no demo app for the ${guide} guide`);
      return g;
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Registers a guide's replay twice: on SQLite (always) and on a fresh PostgreSQL database
 * (when reachable; required in CI). `body` receives a getter for the running stack.
 */
export function guide(name: string, body: (stack: () => Stack) => void): void {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    describe(`${name} (${dialect})`, () => {
      let stack: (Stack & { stop(): Promise<void> }) | undefined;
      let dropDb: (() => Promise<void>) | undefined;
      let skip: false | string | Error = false;
      before(async () => {
        if (dialect === 'postgres') {
          skip = await postgresSkip();
          if (skip !== false) return;
          const db = await withTestPostgres();
          dropDb = db.cleanup;
          stack = await startStack(db.url);
        } else {
          stack = await startStack(undefined);
        }
      });
      after(async () => {
        await stack?.stop();
        await dropDb?.();
      });
      if (dialect === 'postgres')
        it('PostgreSQL is reachable (or not required)', (t) => {
          if (skip instanceof Error) throw skip;
          if (typeof skip === 'string') t.skip(skip);
        });
      body(() => {
        if (skip instanceof Error) throw skip;
        if (!stack) throw new Error(`skipped: ${String(skip)}`);
        return stack;
      });
    });
  }
}

/** Skips the current test when the stack was skipped (PostgreSQL unreachable, not required). */
export function maybeSkip(t: { skip(msg: string): void }, get: () => Stack): Stack | undefined {
  try {
    return get();
  } catch (err) {
    const msg = (err as Error).message;
    if (msg.startsWith('skipped: ')) {
      t.skip(msg);
      return undefined;
    }
    throw err;
  }
}

/**
 * A person's browser over real HTTP: a cookie jar, form posts, and redirects followed
 * while they stay on Gatehouse (a redirect elsewhere, to the app, is returned).
 */
export class HttpBrowser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly origin: string) {}

  private remember(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = (pair ?? '').indexOf('=');
      const name = (pair ?? '').slice(0, eq).trim();
      const value = (pair ?? '').slice(eq + 1);
      if (!name) continue;
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(method: 'GET' | 'POST', url: string, form?: Record<string, string>) {
    const res = await fetch(new URL(url, this.origin), {
      method,
      redirect: 'manual',
      headers: {
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { body: new URLSearchParams(form) } : {}),
    });
    this.remember(res);
    return res;
  }

  /** Follows redirects within Gatehouse; returns the final page, or the outside Location. */
  async follow(method: 'GET' | 'POST', url: string, form?: Record<string, string>) {
    let res = await this.request(method, url, form);
    for (let i = 0; i < 10; i++) {
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return { res, body: await res.text() };
      const next = new URL(location, this.origin);
      if (next.origin !== this.origin) return { res, body: '', location: next.toString() };
      res = await this.request('GET', next.pathname + next.search);
    }
    throw new Error('too many redirects');
  }
}

/** A hidden form field's value. */
export function field(page: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(page);
  if (!m) throw new Error(`no field ${name} in:\n${page.slice(0, 2000)}`);
  return m[1] as string;
}

/** Signs in and walks chooser and consent up to the app's redirect. */
export async function signInAndGrant(
  b: HttpBrowser,
  authorizeUrl: string,
  admin: { email: string; password: string },
  opts: { company?: string } = {},
): Promise<{ location?: string; page: string }> {
  let step = await b.follow('GET', authorizeUrl);
  for (let i = 0; i < 6; i++) {
    if (step.location) return { location: step.location, page: '' };
    const page = step.body;
    const action =
      /<form[^>]*method="post"[^>]*action="([^"]+)"/i.exec(page)?.[1] ??
      /<form[^>]*action="([^"]+)"[^>]*method="post"/i.exec(page)?.[1];
    if (/name="password"/.test(page)) {
      step = await b.follow('POST', decode(action ?? '/login'), {
        ...hidden(page),
        email: admin.email,
        password: admin.password,
      });
    } else if (/name="company_id"/.test(page) && /type="radio"|<select/.test(page)) {
      const ids = [...page.matchAll(/name="company_id"[^>]*value="([^"]+)"/g)].map((m) => m[1] as string);
      const company = opts.company ?? ids[0];
      step = await b.follow('POST', decode(action ?? ''), { ...hidden(page), company_id: company ?? '' });
    } else if (/value="grant"|name="decision"/.test(page)) {
      step = await b.follow('POST', decode(action ?? ''), { ...hidden(page), decision: 'grant' });
    } else {
      return { page };
    }
  }
  return { page: step.body };
}

function decode(s: string): string {
  return s.replace(/&amp;/g, '&');
}

function hidden(page: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of page.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]+)"/.exec(m[0])?.[1];
    const value = /value="([^"]*)"/.exec(m[0])?.[1];
    if (name) out[name] = decode(value ?? '');
  }
  return out;
}
