import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/** One person of the SaaS company's own user list (users.json). */
export interface LoginAppUser {
  external_id: string;
  email: string;
  name: string;
  /** `scrypt$<salt>$<hash>`, both base64url (node:crypto scrypt, 32 bytes). */
  password_hash: string;
  companies: { external_id: string; role: 'admin' | 'member' }[];
}

export interface LoginAppOptions {
  /** Gatehouse's URL (its issuer): the operator API is at `${gatehouseUrl}/api/v1`. */
  gatehouseUrl: string;
  /** An operator key (`gatehouse operator-key create`). */
  operatorKey: string;
  users: LoginAppUser[];
  host?: string;
  port?: number;
}

/** A `password_hash` for users.json. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64url')}$${scryptSync(password, salt, 32).toString('base64url')}`;
}

export const loadUsers = (file: string): LoginAppUser[] => JSON.parse(readFileSync(file, 'utf8'));

function passwordMatches(user: LoginAppUser | undefined, password: string): boolean {
  const [, salt = '', hash = ''] = (user?.password_hash ?? 'scrypt$$').split('$');
  const expected = Buffer.from(hash, 'base64url');
  const actual = scryptSync(password, Buffer.from(salt, 'base64url'), 32);
  return user !== undefined && expected.length === 32 && timingSafeEqual(actual, expected);
}

// Only fixed text and a checked challenge go into the page, so nothing here needs escaping.
const CHALLENGE = /^[A-Za-z0-9_-]{1,100}$/;
const page = (challenge: string, error = '') => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Sign in to Demo Company</title></head><body><main><h1>Sign in to Demo Company</h1>
${error ? `<p role="alert">${error}</p>` : ''}<form method="post" action="/login">
<input type="hidden" name="login_challenge" value="${challenge}">
<label for="email">Email</label> <input id="email" name="email" type="email" autocomplete="username" required>
<label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" name="action" value="accept">Sign in</button>
<button type="submit" name="action" value="cancel" formnovalidate>Cancel</button></form></main></body></html>`;

/**
 * The login application of Gatehouse's login delegation (docs/sign-in.md): GET /login shows
 * its form for a `login_challenge`; POST /login checks the person against its own user list
 * and accepts the challenge (or rejects it on Cancel) through the operator API, then sends
 * the browser where Gatehouse says.
 */
export function startLoginApp(opts: LoginAppOptions) {
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${opts.gatehouseUrl}/api/v1/login-requests/${path}`, {
      method,
      headers: { authorization: `Bearer ${opts.operatorKey}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, html: string) =>
      res
        .writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
        .end(html);
    const url = new URL(req.url ?? '/', 'http://login-app');
    if (url.pathname !== '/login') return send(404, '<h1>Not found</h1>');
    let form = url.searchParams;
    if (req.method === 'POST') {
      let raw = '';
      for await (const chunk of req) {
        raw += chunk;
        if (raw.length > 10_000) return send(413, '<h1>Too large</h1>');
      }
      form = new URLSearchParams(raw);
    }
    const challenge = form.get('login_challenge') ?? '';
    if (!CHALLENGE.test(challenge)) return send(400, '<h1>Start from the app you were connecting.</h1>');
    const request = await api('GET', challenge);
    if (request.status !== 200)
      return send(400, '<h1>This sign-in has expired or was used. Start again from the app.</h1>');
    if (req.method !== 'POST') return send(200, page(challenge));
    const answer =
      form.get('action') === 'cancel'
        ? await api('PUT', `${challenge}/reject`, { error_description: 'The person cancelled the sign-in' })
        : await (async () => {
            const user = opts.users.find((u) => u.email === form.get('email')?.toLowerCase());
            if (!passwordMatches(user, form.get('password') ?? '')) return undefined;
            const { password_hash: _, ...subject } = user as LoginAppUser;
            return api('PUT', `${challenge}/accept`, { subject: { ...subject, email_verified: true } });
          })();
    if (!answer) return send(401, page(challenge, 'The email or password is incorrect.'));
    if (answer.status !== 200) return send(502, `<h1>Gatehouse refused the sign-in (${answer.status}).</h1>`);
    res.writeHead(303, { location: String(answer.json.redirect_to) }).end();
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<h1>Gatehouse is not answering. Try again in a minute.</h1>');
    });
  });
  return new Promise<{ url: string; close(): Promise<void> }>((resolve) =>
    server.listen(opts.port ?? 4100, opts.host ?? '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      resolve({
        url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    }),
  );
}
