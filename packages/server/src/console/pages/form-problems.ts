import type { MessageKey } from '../../i18n/catalogs.ts';
import type { Text, Translator } from '../../i18n/translator.ts';
import { html, type SafeHtml } from '../../pages/html.ts';

/**
 * What is wrong with a field of a console form: a catalog text, said in the page's locale, or
 * a service's own English sentence that no catalog text stands for yet (a technical detail,
 * shown after the field's translated name and marked `lang="en"`).
 */
export type FormProblem = Text | string;
export type FormProblems = Record<string, FormProblem>;

/** The app services' sentences the console knows, each with its catalog text. */
const KNOWN: [RegExp, (m: RegExpExecArray) => Text][] = [
  [/^display name must be 1 to 100 characters$/, () => ({ key: 'app_form.invalid.name' })],
  [/^choose at least one scope$/, () => ({ key: 'app_form.invalid.no_scopes' })],
  [/^auto consent is only for internal apps/, () => ({ key: 'app_form.invalid.auto_consent' })],
  [
    /^token lifetime must be a whole number of seconds from (\d+) to (\d+)$/,
    (m) => ({ key: 'app_form.invalid.token_ttl', vars: { min: Number(m[1]), max: Number(m[2]) } }),
  ],
  [
    /^redirect URI "(.*)" must use https \(http only for loopback\)$/s,
    (m) => ({ key: 'app_form.invalid.redirect_https', vars: { uri: m[1] ?? '' } }),
  ],
  [
    /^redirect URI "(.*)" must not contain a fragment$/s,
    (m) => ({ key: 'app_form.invalid.redirect_fragment', vars: { uri: m[1] ?? '' } }),
  ],
  [
    /^redirect URI "(.*)" is not an absolute URI$/s,
    (m) => ({ key: 'app_form.invalid.redirect_absolute', vars: { uri: m[1] ?? '' } }),
  ],
  ...(
    [
      ['is longer than 2000 characters', 'app_form.invalid.redirect_long'],
      ['must not contain whitespace or control characters', 'app_form.invalid.redirect_space'],
      ['must not contain a backslash', 'app_form.invalid.redirect_backslash'],
      ['has a port outside 1 to 65535', 'app_form.invalid.redirect_port'],
      ['must not contain user information', 'app_form.invalid.redirect_userinfo'],
      [
        'must not contain a percent-encoded dot, slash, backslash or NUL in its path',
        'app_form.invalid.redirect_encoded',
      ],
    ] as const
  ).map(([tail, key]): [RegExp, (m: RegExpExecArray) => Text] => [
    new RegExp(`^redirect URI "(.*)" ${tail.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 's'),
    (m) => ({ key, vars: { uri: m[1] ?? '' } }),
  ]),
  [
    /^redirect URI "(.*)" must not use the (\S+) scheme$/s,
    (m) => ({ key: 'app_form.invalid.redirect_scheme', vars: { uri: m[1] ?? '', scheme: m[2] ?? '' } }),
  ],
  [
    /^redirect URI "(.*)" [^"]*: register it exactly as "(.*)", the form a browser sends$/s,
    (m) => ({ key: 'app_form.invalid.redirect_canonical', vars: { uri: m[1] ?? '', canonical: m[2] ?? '' } }),
  ],
  [
    /^signing algorithm must be one of (.*)$/,
    (m) => ({ key: 'app_form.invalid.signing_alg', vars: { algs: m[1] ?? '' } }),
  ],
  [
    /^a public client cannot use client_credentials$/,
    () => ({ key: 'app_form.invalid.public_client_credentials' }),
  ],
  [/^is empty$/, () => ({ key: 'app_form.invalid.logo_empty' })],
  [
    /^must be between 1 and (\d+) pixels on each side$/,
    (m) => ({ key: 'app_form.invalid.logo_size', vars: { max: Number(m[1]) } }),
  ],
  [/^jwks must be a JWK Set: \{"keys": \[\.\.\.\]\}$/, () => ({ key: 'app_form.invalid.jwks_shape' })],
  [
    /^jwks key (\d+) holds private or symmetric key material: register public keys only$/,
    (m) => ({ key: 'app_form.invalid.jwks_private', vars: { index: Number(m[1]) } }),
  ],
  [/^jwks_uri must be an https URL$/, () => ({ key: 'app_form.invalid.jwks_uri' })],
  [
    /^the app kept changing while this edit was made; read it again and retry$/,
    () => ({ key: 'app_form.invalid.changed' }),
  ],
  [/^(logo )?is larger than 256 KB$/, () => ({ key: 'app_form.invalid.logo_large' })],
  [/^must be a PNG or JPEG image$/, () => ({ key: 'app_form.invalid.logo_type' })],
  [/^is not a readable PNG or JPEG image$/, () => ({ key: 'app_form.invalid.logo_unreadable' })],
  [/^give jwks or jwks_uri, not both$/, () => ({ key: 'app_form.invalid.jwks_both' })],
  [
    /^private_key_jwt needs the public keys: give jwks or jwks_uri$/,
    () => ({ key: 'app_form.invalid.jwks_needed' }),
  ],
];

/**
 * A service's problems by field (ValidationError.fields, in English, as JSON bodies say them),
 * each as a catalog text when the console knows its wording; the rest kept as they are.
 */
export function knownProblems(fields: Readonly<Record<string, string>>): FormProblems {
  const out: FormProblems = {};
  for (const [field, sentence] of Object.entries(fields)) {
    let problem: FormProblem = sentence;
    for (const [pattern, text] of KNOWN) {
      const m = pattern.exec(sentence);
      if (m) {
        problem = text(m);
        break;
      }
    }
    out[field] = problem;
  }
  return out;
}

/** The names of the app forms' fields, for a problem the catalogs have no sentence for. */
const FIELD: Record<string, MessageKey> = {
  name: 'app_form.name',
  logo: 'app_form.logo',
  logoUrl: 'app_form.logo',
  type: 'app_form.type',
  grantTypes: 'app_form.type',
  clientType: 'app_form.type',
  grantDelivery: 'app_form.delivery_edit',
  redirectUris: 'app_form.redirect_uris',
  postLogoutRedirectUris: 'app_form.post_logout_redirect_uris',
  backchannelLogoutUri: 'app_form.backchannel_logout_uri',
  tokenTtl: 'app_form.token_ttl',
  tokenFormat: 'app_form.token_format',
  signingAlg: 'app_form.signing_alg',
  scopes: 'scopes.legend',
  tokenEndpointAuthMethod: 'client_auth.title',
  jwks: 'client_auth.jwks',
  jwksUri: 'client_auth.jwks_uri',
  requirePushedAuthorizationRequests: 'client_auth.par',
  autoConsent: 'app_form.auto_consent',
  skipConsent: 'app_form.skip_consent',
  tokenExchange: 'app_form.exchange',
  form: 'app_form.field.form',
};

/** One problem, in the page's locale as far as the catalogs know it. */
export function problemHtml(t: Translator, field: string, problem: FormProblem): SafeHtml {
  if (typeof problem !== 'string') return html`${t.text(problem)}`;
  return t.html('app_form.problem', {
    field: t.t(FIELD[field] ?? 'app_form.field.other'),
    detail: html`<span lang="en">${problem}</span>`,
  });
}

/** The list of a form's problems, as an alert under `lead`. */
export function problemsAlert(t: Translator, lead: string, problems: FormProblems): SafeHtml | string {
  const entries = Object.entries(problems);
  if (entries.length === 0) return '';
  return html`<div class="alert" role="alert"><p>${lead}</p><ul>${entries.map(([f, p]) => html`<li>${problemHtml(t, f, p)}</li>`)}</ul></div>`;
}

/** The problem under a field, tied to it by `aria-describedby="<field>-error"`. */
export function fieldError(t: Translator, problems: FormProblems, field: string): SafeHtml | string {
  const p = problems[field];
  return p === undefined
    ? ''
    : html`<p class="field-error" id="${field}-error">${problemHtml(t, field, p)}</p>`;
}
