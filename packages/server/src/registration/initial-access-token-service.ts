import type { ServedGrantTypes } from '../apps/validation.ts';
import { GRANT_TYPES } from '../apps/validation.ts';
import { keyName } from '../companies/admin-key-service.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { isScopeToken } from '../oauth/scopes/index.ts';
import type { ScopeModel } from '../oauth/scopes/model.ts';
import type { DirectoryStore, RegistrationStore } from '../storage/storage.ts';
import type { InitialAccessToken } from '../storage/types.ts';
import { sha256 } from '../util/hash.ts';
import { newId } from '../util/random.ts';
import { lastFour, newSecret, SecretPrefix } from '../util/secrets.ts';
import { RegistrationTokenInvalid } from './errors.ts';
import { redirectPatternProblem } from './redirect-patterns.ts';

export type { InitialAccessToken };

/** How long an initial access token lives unless told: 30 days. */
export const DEFAULT_IAT_TTL_SECONDS = 30 * 86_400;
/** The longest it may live: a year. */
export const MAX_IAT_TTL_SECONDS = 365 * 86_400;
export const MAX_IAT_APPS = 10_000;

/** What a company admin asks for (console, API, CLI). A null or absent limit is no limit. */
export interface InitialAccessTokenInput {
  companyId: string;
  name?: string;
  allowedGrantTypes?: string[] | null;
  allowedScopes?: string[] | null;
  redirectUriPatterns?: string[] | null;
  maxApps?: number | null;
  /** Seconds from now; default DEFAULT_IAT_TTL_SECONDS, at most MAX_IAT_TTL_SECONDS. */
  expiresIn?: number;
}

/**
 * RFC 7591 initial access tokens: a company admin creates one (shown once, stored as its
 * SHA-256) and hands it to whoever's software may register apps in the company, within the
 * token's limits.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-3
 */
export class InitialAccessTokenService {
  constructor(
    private readonly storage: RegistrationStore & DirectoryStore,
    private readonly scopes?: ScopeModel,
    private readonly grantTypes: ServedGrantTypes = { appGrantTypes: GRANT_TYPES },
  ) {}

  async create(
    input: InitialAccessTokenInput,
    actor: string,
  ): Promise<{ token: InitialAccessToken; secret: string }> {
    const fields: Record<string, string> = {};
    let name = 'Initial access token';
    try {
      name = keyName(input.name, name);
    } catch {
      fields.name = 'must be 1 to 100 characters';
    }
    const grantTypes = input.allowedGrantTypes == null ? null : [...new Set(input.allowedGrantTypes)];
    const unknownGrant = grantTypes?.find((g) => !this.grantTypes.appGrantTypes.includes(g));
    if (grantTypes?.length === 0)
      fields.allowedGrantTypes = 'give at least one grant type, or none for no limit';
    else if (unknownGrant !== undefined)
      fields.allowedGrantTypes = `unknown grant type "${unknownGrant.slice(0, 100)}" (known: ${this.grantTypes.appGrantTypes.join(', ')})`;
    const scopes = input.allowedScopes == null ? null : [...new Set(input.allowedScopes)];
    if (scopes?.length === 0) fields.allowedScopes = 'give at least one scope, or none for no limit';
    else if (scopes) {
      const bad = scopes.find((s) => !isScopeToken(s) || s === '*');
      const unknown = bad === undefined && this.scopes ? this.scopes.catalog.unknown(scopes) : [];
      if (bad !== undefined) fields.allowedScopes = `"${bad.slice(0, 100)}" is not a scope an app may hold`;
      else if (unknown.length > 0)
        fields.allowedScopes = unknown.map((u) => `"${u.scope.slice(0, 100)}" ${u.problem}`).join('; ');
    }
    const patterns = input.redirectUriPatterns == null ? null : [...new Set(input.redirectUriPatterns)];
    if (patterns?.length === 0)
      fields.redirectUriPatterns = 'give at least one pattern, or none for no limit';
    for (const p of patterns ?? []) {
      const problem = redirectPatternProblem(p);
      if (problem) {
        fields.redirectUriPatterns = `redirect URI pattern "${String(p).slice(0, 100)}" ${problem}`;
        break;
      }
    }
    const maxApps = input.maxApps ?? null;
    if (maxApps !== null && (!Number.isInteger(maxApps) || maxApps < 1 || maxApps > MAX_IAT_APPS))
      fields.maxApps = `must be a whole number from 1 to ${MAX_IAT_APPS}`;
    const expiresIn = input.expiresIn ?? DEFAULT_IAT_TTL_SECONDS;
    if (!Number.isInteger(expiresIn) || expiresIn < 60 || expiresIn > MAX_IAT_TTL_SECONDS)
      fields.expiresIn = `must be 60 to ${MAX_IAT_TTL_SECONDS} seconds (a year)`;
    if (Object.keys(fields).length > 0)
      throw new ValidationError(
        Object.entries(fields)
          .map(([f, m]) => `${f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}: ${m}`)
          .join('; '),
        fields,
      );
    const company = await this.storage.getCompany(input.companyId);
    if (!company) throw new NotFoundError('company');
    const secret = newSecret('initialAccessToken');
    const id = newId('iat');
    const expiresAt = new Date(Date.now() + expiresIn * 1000);
    const token = await this.storage.createInitialAccessToken(
      {
        id,
        companyId: company.id,
        name,
        tokenHash: sha256(secret),
        last4: lastFour(secret),
        allowedGrantTypes: grantTypes,
        allowedScopes: scopes,
        redirectUriPatterns: patterns,
        maxApps,
        expiresAt,
        createdBy: actor,
      },
      {
        audit: {
          companyId: company.id,
          actor,
          action: 'initial_access_token.created',
          target: `initial_access_token:${id}`,
          data: {
            name,
            last4: lastFour(secret),
            grant_types: grantTypes,
            scopes,
            redirect_uri_patterns: patterns,
            max_apps: maxApps,
            expires_at: expiresAt.toISOString(),
          },
        },
      },
    );
    return { token, secret };
  }

  /**
   * The live token a presented value belongs to. Unknown, malformed, revoked, expired and
   * used-up tokens are each RegistrationTokenInvalid (401 `invalid_token`). Whether a use is
   * left is only a first answer here: the registration claims its use atomically.
   */
  async authenticate(presented: string | undefined, now = new Date()): Promise<InitialAccessToken> {
    if (presented === undefined)
      throw new RegistrationTokenInvalid(
        'registration needs an initial access token: send it as "Authorization: Bearer <token>"',
      );
    const token =
      presented.startsWith(SecretPrefix.initialAccessToken) && presented.length <= 100
        ? await this.storage.findInitialAccessTokenByHash(sha256(presented))
        : undefined;
    if (!token) throw new RegistrationTokenInvalid('the initial access token is not valid');
    if (token.revokedAt !== null) throw new RegistrationTokenInvalid('the initial access token was revoked');
    if (token.expiresAt !== null && token.expiresAt.getTime() <= now.getTime())
      throw new RegistrationTokenInvalid('the initial access token has expired');
    if (token.maxApps !== null && token.uses >= token.maxApps)
      throw new RegistrationTokenInvalid(
        `the initial access token has registered the ${token.maxApps} app(s) it allows`,
      );
    return token;
  }

  list(companyId: string): Promise<InitialAccessToken[]> {
    return this.storage.listInitialAccessTokens(companyId);
  }

  async get(companyId: string, id: string): Promise<InitialAccessToken> {
    const token = await this.storage.getInitialAccessToken(companyId, id);
    if (!token) throw new NotFoundError('initial access token');
    return token;
  }

  /** UNSCOPED, operator-only (the CLI names a token by id alone). Returns the token. */
  async revokeById(id: string, actor: string): Promise<InitialAccessToken> {
    const token = await this.storage.getInitialAccessTokenById(id);
    if (!token) throw new NotFoundError(`initial access token ${id}`);
    await this.revoke(token.companyId, token.id, actor);
    return token;
  }

  /** Stops the token registering apps; apps it registered stay (delete them one by one). */
  async revoke(companyId: string, id: string, actor: string): Promise<void> {
    const ok = await this.storage.revokeInitialAccessToken(companyId, id, {
      audit: {
        companyId,
        actor,
        action: 'initial_access_token.revoked',
        target: `initial_access_token:${id}`,
        data: {},
      },
    });
    if (!ok) throw new NotFoundError('active initial access token');
  }
}

/** Whether the token is usable now (for lists: active, expired, used up, revoked). */
export function initialAccessTokenStatus(
  t: InitialAccessToken,
  now = Date.now(),
): 'active' | 'revoked' | 'expired' | 'used_up' {
  if (t.revokedAt !== null) return 'revoked';
  if (t.expiresAt !== null && t.expiresAt.getTime() <= now) return 'expired';
  if (t.maxApps !== null && t.uses >= t.maxApps) return 'used_up';
  return 'active';
}
