import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BasicCredentials } from '../oauth/client-auth/basic-credentials.ts';
import { InvalidRequest } from '../oauth/errors.ts';
import { describeFinding, type Finding, parameterAt, scanEncoded, scanText } from './input-scan.ts';

/**
 * Which error format refused input gets: the OAuth JSON error (`invalid_request`), the HTML
 * error page (browser pages: authorize, login, consent, console), or the management API's
 * `validation_failed`.
 */
export type InputFamily = 'oauth' | 'page' | 'management';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set for a whole scope by `inputFamily()`; routes without it answer as OAuth endpoints. */
    inputFamily?: InputFamily;
  }
}

/**
 * Input refused at the edge (control characters, invalid UTF-8: see input-scan.ts). The
 * error writer answers it in the format of the route's family, always 400.
 */
export class RefusedInput extends InvalidRequest {
  constructor(
    readonly family: InputFamily,
    /** The parameter, JSON path or part of the request (`path`, `body`, `authorization`). */
    readonly field: string,
    readonly problem: string,
    description: string,
  ) {
    super(description);
  }
}

/** The family of the request's route; for a request no route matched, read from its path. */
export function familyOf(request: FastifyRequest): InputFamily {
  return request.routeOptions.config?.inputFamily ?? familyOfPath(request.url);
}

/** Gives every route registered after this call in `scope` (and its children) a family. */
export function inputFamily(scope: FastifyInstance, family: InputFamily): void {
  scope.addHook('onRoute', (route) => {
    route.config = { ...route.config, inputFamily: family };
  });
}

function refused(request: FastifyRequest, field: string, problem: string, description: string) {
  return new RefusedInput(familyOf(request), field, problem, description);
}

/** A finding in encoded text: in a URL's path, in a named parameter, or in the body itself. */
function refusedAt(request: FastifyRequest, text: string, f: Finding, where: 'url' | 'body') {
  const problem = describeFinding(f);
  const name = parameterAt(text, f.index);
  if (name !== undefined)
    return refused(
      request,
      name,
      problem,
      `${where === 'url' ? 'query parameter' : 'parameter'} "${name}" ${problem}`,
    );
  return refused(request, 'path', problem, `the request path ${problem}`);
}

/**
 * Checks what every request carries before any route sees it (registered with the other
 * checks made before routing by edge-checks.ts): the request target (path and query,
 * percent-decoded as the router and URLSearchParams will decode them; raw non-ASCII is
 * refused, RFC 3986 2.1) and `x-company-id`, the one header the management API looks up as
 * it is.
 */
export function checkRequestTarget(request: FastifyRequest): RefusedInput | undefined {
  const url = request.url;
  const f = scanEncoded(url, true);
  if (f !== undefined) return refusedAt(request, url, f, 'url');
  const company = request.headers['x-company-id'];
  if (typeof company === 'string' && scanText(company) !== undefined)
    return refused(
      request,
      'x-company-id',
      'contains a control character',
      'the x-company-id header contains a control character',
    );
  return undefined;
}

const PAGE_PATH = /^\/(?:console|login|logout|invitations\/|authorize\/|oauth2?\/authorize)/;

/** The family of a request the router could not match (so that has no route config to read). */
export function familyOfPath(path: string): InputFamily {
  if (path.startsWith('/api/')) return 'management';
  return PAGE_PATH.test(path) ? 'page' : 'oauth';
}

/**
 * A raw body as text: refused unless its bytes are UTF-8 and, for a form, unless what its
 * percent-escapes decode to is too. One native check and one scan: the token endpoint's
 * hot path pays for nothing else.
 */
export function guardedBody(request: FastifyRequest, body: Buffer, form: boolean): string {
  if (!isUtf8(body))
    throw refused(request, 'body', 'is not valid UTF-8', 'the request body is not valid UTF-8');
  const text = body.toString('utf8');
  if (form) {
    const f = scanEncoded(text);
    if (f !== undefined) throw refusedAt(request, text, f, 'body');
  }
  return text;
}

const BASIC_TOKEN = /^basic\s+([A-Za-z0-9+/=_-]+)\s*$/i;

/**
 * Basic client credentials after their two decodings (base64, then form-urlencoding): no
 * control characters, and UTF-8 underneath. The decoder replaces invalid bytes with U+FFFD,
 * so only credentials that show one are decoded again to tell the two apart.
 */
export function guardBasic(
  request: FastifyRequest,
  basic: BasicCredentials | undefined,
  authorization: string | undefined,
): void {
  if (basic === undefined || !basic.ok) return;
  if (scanText(basic.clientId) !== undefined || scanText(basic.secret) !== undefined)
    throw refused(
      request,
      'authorization',
      'contains a control character',
      'the Basic credentials contain a control character',
    );
  if (!basic.clientId.includes('\uFFFD') && !basic.secret.includes('\uFFFD')) return;
  const token = BASIC_TOKEN.exec(authorization ?? '')?.[1] ?? '';
  if (!isUtf8(Buffer.from(token, 'base64')))
    throw refused(
      request,
      'authorization',
      'is not valid UTF-8',
      'the Basic credentials are not valid UTF-8',
    );
}

/**
 * Text fields of a multipart form (the console's create-app form). busboy has already
 * decoded them, replacing invalid UTF-8 with U+FFFD, so here U+FFFD counts as invalid
 * UTF-8: nobody types it. Fields in `multiline` may carry TAB, LF and CR.
 */
export function guardFormFields(
  request: FastifyRequest,
  fields: ReadonlyMap<string, readonly string[]>,
  multiline: ReadonlySet<string>,
): void {
  for (const [name, values] of fields) {
    const shown = name.replace(/[^\w.:[\]-]/g, '?').slice(0, 40) || '?';
    for (const text of [name, ...values]) {
      const f = scanText(text, text !== name && multiline.has(name));
      const problem =
        f !== undefined ? describeFinding(f) : text.includes('\uFFFD') ? 'is not valid UTF-8' : '';
      if (problem !== '') throw refused(request, shown, problem, `field "${shown}" ${problem}`);
    }
  }
}

/** The first string (or key) in a parsed JSON value that breaks the rule, with its path. */
export function findInJson(root: unknown): { path: string; finding: Finding } | undefined {
  const stack: [unknown, string][] = [[root, '']];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [value, path] = top;
    if (typeof value === 'string') {
      const finding = scanText(value);
      if (finding !== undefined) return { path: path || 'body', finding };
    } else if (value !== null && typeof value === 'object') {
      const array = Array.isArray(value);
      for (const [key, child] of Object.entries(value)) {
        const at = path ? `${path}.${key}` : key;
        const finding = array ? undefined : scanText(key);
        if (finding !== undefined) return { path: path ? `${path}.?` : '?', finding };
        stack.push([child, at]);
      }
    }
  }
  return undefined;
}

/**
 * Replaces the JSON body parser of `scope` with one that also refuses invalid UTF-8 in the
 * bytes and control characters in any string or key (escapes such as `\u0000` included),
 * keeping Fastify's own parsing and its prototype-poisoning checks.
 */
export function guardJsonBodies(scope: FastifyInstance): void {
  const parse = scope.getDefaultJsonParser('error', 'error');
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    if (!isUtf8(bytes))
      return done(refused(request, 'body', 'is not valid UTF-8', 'the request body is not valid UTF-8'));
    parse(request, bytes.toString('utf8'), (err: Error | null, value?: unknown) => {
      if (err) return done(err);
      const bad = findInJson(value);
      if (bad === undefined) return done(null, value);
      const problem = describeFinding(bad.finding);
      done(refused(request, bad.path, problem, `${bad.path} ${problem}`));
    });
  });
}

/**
 * True for PostgreSQL's refusal of a byte it cannot store (22021 character_not_in_repertoire,
 * which is what a NUL in text gets, and 22P05 untranslatable_character): the guard above
 * should have stopped it, and if it did not, it is still the client's input, not our fault.
 */
export function isUnstorableText(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '22021' || code === '22P05';
}
