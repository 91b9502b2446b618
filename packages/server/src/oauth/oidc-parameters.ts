import { InvalidRequest } from './errors.ts';
import type { Params } from './params.ts';

/** The `prompt` values Gatehouse understands (OIDC Core 3.1.2.1), as the metadata lists them. */
export const PROMPT_VALUES = ['none', 'login', 'consent', 'select_account'] as const;
export type PromptValue = (typeof PROMPT_VALUES)[number];

/** The OpenID Connect parameters of an authorization request, as validated and stored. */
export interface OidcParameters {
  /** The `prompt` values, space separated as sent (duplicates dropped); null when absent. */
  prompt: string | null;
  maxAge: number | null;
  loginHint: string | null;
}

/**
 * Reads `prompt`, `max_age` and `login_hint`. `prompt` is a space-separated list; `none` must
 * stand alone. A request object (`request`) is refused earlier (authorize.ts). `acr_values`,
 * `claims`, `display` and `id_token_hint` are voluntary and ignored (docs/flows/openid-connect.md
 * says so, and the metadata says `claims_parameter_supported: false`).
 * Throws an OAuthError, which the caller redirects.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#AuthRequest
 */
export function readOidcParameters(params: Params): OidcParameters {
  const prompt = parsePrompt(params.get('prompt'));
  const maxAgeParam = params.get('max_age');
  if (maxAgeParam !== undefined && !/^\d{1,9}$/.test(maxAgeParam))
    throw new InvalidRequest('max_age must be a number of seconds');
  const loginHint = params.get('login_hint') ?? null;
  if (loginHint !== null && loginHint.length > 256)
    throw new InvalidRequest('login_hint must be at most 256 characters');
  const acrValues = params.get('acr_values');
  if (acrValues !== undefined && acrValues.length > 1000)
    throw new InvalidRequest('acr_values must be at most 1000 characters');
  return { prompt, maxAge: maxAgeParam === undefined ? null : Number(maxAgeParam), loginHint };
}

/** `prompt` as a list: each value known, `none` alone (OIDC Core 3.1.2.1). */
export function parsePrompt(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const values = [...new Set(raw.split(' ').filter((v) => v !== ''))];
  if (values.length === 0) throw new InvalidRequest('prompt must not be empty');
  for (const v of values)
    if (!(PROMPT_VALUES as readonly string[]).includes(v))
      throw new InvalidRequest(`prompt "${v}" is unknown; use none, login, consent or select_account`);
  if (values.includes('none') && values.length > 1)
    throw new InvalidRequest('prompt=none cannot be combined with other prompt values');
  return values.join(' ');
}

/** Whether a stored request's `prompt` holds `value`. */
export function hasPrompt(req: { prompt: string | null }, value: PromptValue): boolean {
  return (req.prompt ?? '').split(' ').includes(value);
}
