import type { ActClaim } from '../../storage/authorization-types.ts';
import type { FoundToken, TokenInspector } from '../../tokens/token-inspector.ts';
import { clientSecretBasic } from '../client-auth/client-secret-basic.ts';
import { clientSecretJwt } from '../client-auth/client-secret-jwt.ts';
import { clientSecretPost } from '../client-auth/client-secret-post.ts';
import { authenticateClient } from '../client-auth/index.ts';
import type { ClientAuthMethod } from '../client-auth/method.ts';
import { privateKeyJwt } from '../client-auth/private-key-jwt.ts';
import { type ActiveGrantLookup, GRANT_GUID } from '../company-grant.ts';
import type { OAuthContext, TokenEndpointRequest } from '../context.ts';
import { InvalidRequest } from '../errors.ts';

/** Only clients that can keep a secret (or a private key) may introspect. */
export const INTROSPECTION_AUTH_METHODS: readonly ClientAuthMethod[] = [
  clientSecretBasic,
  clientSecretPost,
  clientSecretJwt,
  privateKeyJwt,
];

/** RFC 7662 2.2 response: `{ active: false }` alone, or the token's claims. */
export interface IntrospectionResponse {
  active: boolean;
  scope?: string;
  client_id?: string;
  sub?: string;
  exp?: number;
  iat?: number;
  iss?: string;
  aud?: string;
  jti?: string;
  token_type?: string;
  company_id?: string;
  /** The grant the token was issued under (also the `gid` claim of JWTs). */
  gid?: string;
  /** The grant's GUID, as a partner names it with `x-company-guid`. */
  grant_guid?: string;
  /** The key a DPoP-bound token is bound to (RFC 9449 6.2). */
  cnf?: { jkt: string };
  /** Who acts for the subject, for a token issued by a token exchange (RFC 8693 4.1). */
  act?: ActClaim;
}

const INACTIVE: IntrospectionResponse = { active: false };
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/**
 * Token introspection for resource servers and for apps checking their own tokens. Who may
 * see what: any confidential app may introspect the tokens issued to itself (access and
 * refresh); the apps whose client_id the operator lists as resource servers
 * (`GATEHOUSE_INTROSPECTION_CLIENTS`) may introspect every access token. Anything else, and
 * any token that is unknown, expired, revoked, or whose app or grant is gone, is
 * `{"active": false}` with nothing more.
 *
 * `company_guid=<grant GUID>` (an extension parameter, RFC 7662 2.1) asks what the token
 * may do for the company that grant names, as a partner's `x-company-guid` call would: the
 * answer's `scope` is the token's intersected with the grant's approved scope, with the
 * grant's `company_id`, `gid` and `grant_guid`. A GUID that names no active grant of the
 * token's app, or a grant of another company than the one the token is bound to, makes the
 * answer `{"active": false}` (as for every miss: nothing says which check failed); a value
 * that cannot be a GUID is `invalid_request`.
 *
 * A DPoP-bound access token is answered with `token_type: DPoP` and `cnf.jkt`, the thumbprint
 * of its key, which the resource server matches against the proof it was sent with.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-6.2
 */
export class IntrospectionEndpoint {
  constructor(
    private readonly deps: {
      inspector: TokenInspector;
      issuer: string;
      audience: string;
      /** client_ids of resource servers that may introspect any access token. */
      resourceServers: ReadonlySet<string>;
      /** Resolves `company_guid`. */
      grants: ActiveGrantLookup;
    },
  ) {}

  async handle(req: TokenEndpointRequest, ctx: OAuthContext): Promise<IntrospectionResponse> {
    const token = req.params.get('token');
    const client = await authenticateClient(req, ctx, INTROSPECTION_AUTH_METHODS);
    if (token === undefined) throw new InvalidRequest('parameter "token" is required');
    const companyGuid = req.params.get('company_guid');
    if (companyGuid !== undefined && !GRANT_GUID.test(companyGuid))
      throw new InvalidRequest('parameter "company_guid" is not a grant GUID');
    const found = await this.deps.inspector.find(token, req.params.get('token_type_hint'));
    if (!found) return INACTIVE;
    const own =
      found.kind === 'refresh'
        ? found.family.appId === client.app.id
        : found.clientId === client.app.clientId;
    const resourceServer = found.kind === 'access' && this.deps.resourceServers.has(client.app.clientId);
    if (!own && !resourceServer) return INACTIVE;
    const state = await this.deps.inspector.state(found, client.app);
    if (!state.active) return INACTIVE;
    const answer = this.answer(found, state.grant, client.app.clientId);
    if (companyGuid === undefined) return answer;
    return this.forCompany(answer, companyGuid, state.app.clientId, ctx);
  }

  private answer(
    found: FoundToken,
    tokenGrant: { id: string; guid: string } | undefined,
    callerClientId: string,
  ): IntrospectionResponse {
    const grant = tokenGrant ? { gid: tokenGrant.id, grant_guid: tokenGrant.guid } : {};
    if (found.kind === 'refresh') {
      return {
        active: true,
        token_type: 'refresh_token',
        scope: found.token.scopes.join(' '),
        client_id: callerClientId,
        sub: found.family.userId,
        iss: this.deps.issuer,
        exp: seconds(found.token.expiresAt),
        iat: seconds(found.token.createdAt),
        company_id: found.family.companyId,
        ...grant,
      };
    }
    return {
      active: true,
      token_type: found.jkt === undefined ? 'Bearer' : 'DPoP',
      scope: found.scopes.join(' '),
      client_id: found.clientId,
      sub: found.subject,
      iss: this.deps.issuer,
      aud: found.audience ?? this.deps.audience,
      exp: seconds(found.expiresAt),
      iat: seconds(found.issuedAt),
      jti: found.jti,
      ...(found.companyId !== undefined ? { company_id: found.companyId } : {}),
      ...(found.jkt !== undefined ? { cnf: { jkt: found.jkt } } : {}),
      ...(found.act !== undefined ? { act: found.act } : {}),
      ...grant,
    };
  }

  /**
   * The answer narrowed to the company `guid` names: only a grant of the token's own app,
   * of the token's company when it is bound to one; scope = token's ∩ grant's.
   */
  private async forCompany(
    answer: IntrospectionResponse,
    guid: string,
    tokenClientId: string,
    ctx: OAuthContext,
  ): Promise<IntrospectionResponse> {
    const found = await this.deps.grants.activeGrantForClient(guid, tokenClientId);
    if (!found) return INACTIVE;
    const { grant } = found;
    if (answer.company_id !== undefined && answer.company_id !== grant.companyId) return INACTIVE;
    if (answer.gid !== undefined && answer.gid !== grant.id) return INACTIVE;
    const scope = ctx.scopes.intersect((answer.scope ?? '').split(' ').filter(Boolean), grant.scopes);
    return {
      ...answer,
      scope: scope.join(' '),
      company_id: grant.companyId,
      gid: grant.id,
      grant_guid: grant.guid,
    };
  }
}
