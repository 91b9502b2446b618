import { redirectUriProblem } from '../apps/redirect-uri-rules.ts';

/**
 * The redirect URIs an initial access token lets software register, as a list of patterns
 * in one of two forms (docs/flows/registration.md):
 *
 * - **exact**: a redirect URI as it may be registered (`https://app.example/callback`); only
 *   that URI matches.
 * - **prefix**: an `https://` (or loopback `http://`) URL whose path ends in `/*`
 *   (`https://app.example/oauth/*`); a URI matches when it starts with everything before the
 *   `*`. The prefix always holds the whole origin and a `/`, so `https://app.example/*` can
 *   never match `https://app.example.evil.test/` or `https://app.example@evil.test/`.
 *
 * A matching URI must still pass every rule for redirect URIs (apps/redirect-uri-rules.ts):
 * a pattern narrows what may be registered, it never widens it.
 */

/** Why `pattern` is not a usable redirect URI pattern, or undefined when it is. */
export function redirectPatternProblem(pattern: string): string | undefined {
  if (typeof pattern !== 'string' || pattern.length === 0) return 'must be a non-empty string';
  if (!pattern.endsWith('/*')) {
    if (pattern.includes('*')) return 'may hold "*" only as its last character, after a "/"';
    const problem = redirectUriProblem(pattern);
    return problem ? `is not a redirect URI that may be registered: it ${problem}` : undefined;
  }
  const prefix = pattern.slice(0, -1);
  if (prefix.includes('*')) return 'may hold "*" only as its last character, after a "/"';
  if (/[?#]/.test(prefix)) return 'must not hold a query or fragment before "/*"';
  const problem = redirectUriProblem(prefix);
  return problem
    ? `must start with a redirect URI that may be registered: "${prefix}" ${problem}`
    : undefined;
}

/** Whether `uri` matches one of the patterns (exact, or a `/*` prefix). */
export function matchesRedirectPattern(uri: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => (p.endsWith('/*') ? uri.startsWith(p.slice(0, -1)) : uri === p));
}
