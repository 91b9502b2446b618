import { createHash, randomBytes } from 'node:crypto';
import { BENCH_SCOPE_PARAM } from './constants.ts';

/**
 * Mints authorization codes through the real browser flow (RFC 6749 4.1 with PKCE):
 * GET the authorization endpoint, then follow redirects and submit whatever forms the
 * server shows (login, company chooser, consent) the way a person would, until the
 * redirect to the client carries a code. It reads pages generically (first form, its
 * hidden fields, an email and a password field, the approving button), so it needs no
 * knowledge of Gatehouse's page markup.
 */
export interface MintedCode {
  code: string;
  verifier: string;
}

export interface FlowInput {
  authorizationEndpoint: string;
  clientId: string;
  redirectUri: string;
  user: { email: string; password: string };
}

const APPROVE = /allow|approve|accept|authori[sz]e|continue|grant|yes|sign in|log in/i;

/** Attribute values in bench pages are ids, tokens and URLs: only the XML entities matter. */
const decodeEntities = (v: string) =>
  v
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

const attr = (tag: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)')`, 'i').exec(tag);
  return m ? decodeEntities(m[2] ?? m[3] ?? '') : undefined;
};

/** The fields a person would submit on the page's first form. */
export function fillForm(
  html: string,
  user: FlowInput['user'],
): { action: string; body: URLSearchParams } | undefined {
  const formMatch = /<form\b[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!formMatch) return undefined;
  const formTag = /<form\b[^>]*>/i.exec(formMatch[0])![0];
  const body = new URLSearchParams();
  let button: [string, string] | undefined;
  for (const [tag] of formMatch[1]!.matchAll(/<(input|button|select)\b[^>]*>/gi)) {
    const name = attr(tag, 'name');
    if (name === undefined) continue;
    const type = (
      attr(tag, 'type') ?? (tag.toLowerCase().startsWith('<button') ? 'submit' : 'text')
    ).toLowerCase();
    const value = attr(tag, 'value') ?? '';
    if (type === 'submit') {
      if (!button || APPROVE.test(value) || APPROVE.test(name)) button = [name, value];
    } else if (type === 'password') body.set(name, user.password);
    else if (type === 'email' || /email|user(name)?|login/i.test(name)) body.set(name, user.email);
    else if (tag.toLowerCase().startsWith('<select')) {
      const option = /<option\b[^>]*value\s*=\s*"([^"]*)"/i.exec(html.slice(html.indexOf(tag)));
      if (option) body.set(name, decodeEntities(option[1]!));
    } else if (type === 'radio' || type === 'checkbox') {
      if (!body.has(name)) body.set(name, value);
    } else body.set(name, value);
  }
  if (button) body.set(button[0], button[1]);
  return { action: attr(formTag, 'action') ?? '', body };
}

class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

async function mintOne(input: FlowInput, jar: CookieJar): Promise<MintedCode> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(12).toString('base64url');
  const start = new URL(input.authorizationEndpoint);
  for (const [k, v] of Object.entries({
    response_type: 'code',
    client_id: input.clientId,
    redirect_uri: input.redirectUri,
    scope: BENCH_SCOPE_PARAM,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }))
    start.searchParams.set(k, v);
  let url = start.toString();
  let init: RequestInit = { method: 'GET' };
  for (let step = 0; step < 10; step++) {
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...init.headers, cookie: jar.header() },
    });
    jar.take(res);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, url);
      if (next.toString().startsWith(input.redirectUri)) {
        const code = next.searchParams.get('code');
        if (!code) throw new Error(`authorization ended without a code: ${next.search.slice(0, 200)}`);
        if (next.searchParams.get('state') !== state)
          throw new Error('authorization response lost the state');
        return { code, verifier };
      }
      url = next.toString();
      init = { method: 'GET' };
      continue;
    }
    const html = await res.text();
    const filled = res.status === 200 ? fillForm(html, input.user) : undefined;
    if (!filled) throw new Error(`authorization flow stuck at ${res.status} ${url}: ${html.slice(0, 200)}`);
    url = new URL(filled.action || url, url).toString();
    init = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: filled.body.toString(),
    };
  }
  throw new Error('authorization flow took more than 10 steps');
}

/** `count` codes, the first alone (it logs in), the rest `concurrency` at a time. */
export async function mintCodes(input: FlowInput, count: number, concurrency = 8): Promise<MintedCode[]> {
  const jar = new CookieJar();
  const out = [await mintOne(input, jar)];
  while (out.length < count) {
    const batch = Math.min(concurrency, count - out.length);
    out.push(...(await Promise.all(Array.from({ length: batch }, () => mintOne(input, jar)))));
  }
  return out;
}
