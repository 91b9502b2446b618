import type { AuthorizationRequest } from '../oauth/endpoints/authorize.ts';
import { OIDC_SCOPES } from '../oauth/endpoints/authorize.ts';
import { hasPrompt } from '../oauth/oidc-parameters.ts';
import { covers, normaliseScopes } from '../oauth/scopes/index.ts';
import type { AuthorizationFlow } from '../storage/authorization-types.ts';
import type { AuthorizationStateStore, DirectoryStore, GrantStore, LogoutStore } from '../storage/storage.ts';
import type { App, Company, Grant } from '../storage/types.ts';
import type { TokenIssuer } from '../tokens/token-issuer.ts';
import { sha256 } from '../util/hash.ts';
import { newId } from '../util/random.ts';
import { newSecret } from '../util/secrets.ts';
import { authorizationGranted } from '../webhooks/events.ts';

/** RFC 6749 4.1.2 recommends at most ten minutes; one is plenty for a redirect. */
export const CODE_TTL_MS = 60_000;
/** How long a person has to get from the first page to Grant. */
export const FLOW_TTL_MS = 30 * 60_000;

/** What the authorization produced for the browser. */
export type Outcome =
  | { kind: 'code'; code: string }
  | { kind: 'token'; accessToken: string; expiresIn: number; scope: string }
  | { kind: 'company_grant'; grant: Grant };

export function apiScopes(scopes: readonly string[]): string[] {
  return scopes.filter((s) => !(OIDC_SCOPES as readonly string[]).includes(s));
}

/**
 * The domain side of the authorization endpoint: pending flows, which companies a person
 * may grant for, grants, and what a completed authorization hands back.
 */
export class AuthorizationService {
  constructor(
    private readonly storage: AuthorizationStateStore &
      DirectoryStore &
      GrantStore &
      Pick<LogoutStore, 'recordSessionApp'>,
    private readonly tokens: TokenIssuer,
  ) {}

  async startFlow(app: App, request: AuthorizationRequest, sessionHash: string): Promise<AuthorizationFlow> {
    return this.storage.createAuthorizationFlow({
      id: newId('flow', 24),
      sessionHash,
      appId: app.id,
      request: JSON.stringify(request),
      companyId: null,
      grantGuid: null,
      expiresAt: new Date(Date.now() + FLOW_TTL_MS),
    });
  }

  static request(flow: AuthorizationFlow): AuthorizationRequest {
    return JSON.parse(flow.request) as AuthorizationRequest;
  }

  /** The session's flow while it lasts; another session's, or an expired one, is not found. */
  findFlow(flowId: string, sessionHash: string): Promise<AuthorizationFlow | undefined> {
    return this.storage.getAuthorizationFlow(flowId, sessionHash);
  }

  /** Records the company the flow grants for. */
  async setFlowCompany(flowId: string, sessionHash: string, companyId: string): Promise<void> {
    await this.storage.setAuthorizationFlowCompany(flowId, sessionHash, companyId);
  }

  /** Ends the flow: exactly one concurrent caller gets it back, so a second submit finds nothing. */
  claimFlow(flowId: string, sessionHash: string): Promise<AuthorizationFlow | undefined> {
    return this.storage.claimAuthorizationFlow(flowId, sessionHash);
  }

  /**
   * Keeps a claimed flow, marked with the grant's GUID, for the page that shows the GUID to an
   * app without a redirect URI; only that page reads it (a marked flow cannot advance).
   */
  keepToShowGrant(flow: AuthorizationFlow, grantGuid: string): Promise<AuthorizationFlow> {
    return this.storage.createAuthorizationFlow({ ...flow, grantGuid });
  }

  company(companyId: string): Promise<Company | undefined> {
    return this.storage.getCompany(companyId);
  }

  grantByGuid(guid: string): Promise<Grant | undefined> {
    return this.storage.getGrantByGuid(guid);
  }

  /**
   * Companies the user may grant this app for: those where they are an admin. An internal
   * app can only ever be granted by the company that owns it.
   */
  async grantableCompanies(userId: string, app: App): Promise<Company[]> {
    const memberships = await this.storage.listMembershipsOfUser(userId);
    const out: Company[] = [];
    for (const m of memberships) {
      if (m.role !== 'admin') continue;
      if (app.type === 'internal' && m.companyId !== app.companyId) continue;
      const company = await this.storage.getCompany(m.companyId);
      if (company) out.push(company);
    }
    return out;
  }

  /**
   * True when the consent page may be skipped: an internal app with auto consent authorized
   * for its own company, or an active grant that already covers the request of an app with
   * remembered consent. `prompt=consent` always shows it.
   */
  async canSkipConsent(app: App, companyId: string, request: AuthorizationRequest): Promise<boolean> {
    if (hasPrompt(request, 'consent')) return false;
    if (app.autoConsent && app.type === 'internal' && app.companyId === companyId) return true;
    if (!app.skipConsent) return false;
    const grant = await this.storage.getActiveGrant(app.id, companyId);
    return grant !== undefined && covers(grant.scopes, apiScopes(request.scopes));
  }

  /**
   * The company a person with several would be taken to without asking (`prompt=none`): the
   * only one of `companies` whose active grant of this app already covers the request. None
   * when no grant or more than one does: the choice is theirs to make on the chooser.
   */
  async rememberedCompany(
    app: App,
    companies: readonly Company[],
    request: AuthorizationRequest,
  ): Promise<Company | undefined> {
    const wanted = apiScopes(request.scopes);
    const covered: Company[] = [];
    for (const company of companies) {
      const grant = await this.storage.getActiveGrant(app.id, company.id);
      if (grant && covers(grant.scopes, wanted)) covered.push(company);
    }
    return covered.length === 1 ? covered[0] : undefined;
  }

  /** Creates the grant, or widens the active one; the partner hears of it by webhook. */
  private recordGrant(
    app: App,
    existing: Grant | undefined,
    wanted: string[],
    userId: string,
    companyId: string,
  ) {
    const grant = {
      id: newId('gr'),
      guid: existing?.guid ?? crypto.randomUUID(),
      appId: app.id,
      companyId,
      scopes: normaliseScopes([...(existing?.scopes ?? []), ...wanted]),
      grantedBy: userId,
    };
    return this.storage.upsertGrant(grant, {
      audit: {
        companyId,
        actor: `user:${userId}`,
        action: existing ? 'grant.updated' : 'grant.created',
        target: `app:${app.id}`,
        data: { scopes: wanted, guid: grant.guid },
      },
      events: [authorizationGranted(grant, app)],
    });
  }

  /**
   * Records consent and produces the response the app asked for. `session` (the browser
   * session's `sid` and expiry) goes into an `openid` code, for the ID token's `sid`, and the
   * app is remembered as one of the session's, to be told when the session ends.
   */
  async complete(
    app: App,
    request: AuthorizationRequest,
    userId: string,
    companyId: string,
    authTime: Date,
    session?: { sid: string | null; expiresAt: Date },
  ): Promise<Outcome> {
    const existing = await this.storage.getActiveGrant(app.id, companyId);
    const wanted = apiScopes(request.scopes);
    const grant =
      existing && covers(existing.scopes, wanted)
        ? existing
        : await this.recordGrant(app, existing, wanted, userId, companyId);
    if (app.grantDelivery === 'company_grant') return { kind: 'company_grant', grant };
    if (request.responseType === 'token') {
      const scopes = apiScopes(request.scopes);
      const issued = await this.tokens.issueAccessToken({
        app,
        subject: userId,
        scopes,
        companyId,
        grantId: grant.id,
      });
      return {
        kind: 'token',
        accessToken: issued.token,
        expiresIn: issued.expiresIn,
        scope: scopes.join(' '),
      };
    }
    const code = newSecret('authorizationCode');
    const sid = request.scopes.includes('openid') ? (session?.sid ?? null) : null;
    if (sid !== null && session)
      await this.storage.recordSessionApp({ sid, appId: app.id, userId, expiresAt: session.expiresAt });
    await this.storage.createAuthorizationCode({
      codeHash: sha256(code),
      appId: app.id,
      userId,
      companyId,
      grantId: grant.id,
      redirectUri: request.redirectUri,
      redirectUriGiven: request.redirectUriGiven,
      scopes: request.scopes,
      nonce: request.nonce,
      codeChallenge: request.codeChallenge,
      authTime,
      expiresAt: new Date(Date.now() + CODE_TTL_MS),
      sid,
    });
    return { kind: 'code', code };
  }
}
