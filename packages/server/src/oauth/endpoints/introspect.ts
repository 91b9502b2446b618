import type { TokenInspector } from '../../tokens/token-inspector.ts';
import { clientSecretBasic } from '../client-auth/client-secret-basic.ts';
import { clientSecretPost } from '../client-auth/client-secret-post.ts';
import { authenticateClient } from '../client-auth/index.ts';
import type { ClientAuthMethod } from '../client-auth/method.ts';
import type { OAuthContext, TokenEndpointRequest } from '../context.ts';
import { InvalidRequest } from '../errors.ts';

/** Only clients that can keep a secret may introspect. */
export const INTROSPECTION_AUTH_METHODS: readonly ClientAuthMethod[] = [clientSecretBasic, clientSecretPost];

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
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2
 */
export class IntrospectionEndpoint {
  constructor(
    private readonly deps: {
      inspector: TokenInspector;
      issuer: string;
      audience: string;
      /** client_ids of resource servers that may introspect any access token. */
      resourceServers: ReadonlySet<string>;
    },
  ) {}

  async handle(req: TokenEndpointRequest, ctx: OAuthContext): Promise<IntrospectionResponse> {
    const token = req.params.get('token');
    const client = await authenticateClient(req, ctx, INTROSPECTION_AUTH_METHODS);
    if (token === undefined) throw new InvalidRequest('parameter "token" is required');
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
    const grant = state.grant ? { gid: state.grant.id, grant_guid: state.grant.guid } : {};
    if (found.kind === 'refresh') {
      return {
        active: true,
        token_type: 'refresh_token',
        scope: found.token.scopes.join(' '),
        client_id: client.app.clientId,
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
      token_type: 'Bearer',
      scope: found.scopes.join(' '),
      client_id: found.clientId,
      sub: found.subject,
      iss: this.deps.issuer,
      aud: this.deps.audience,
      exp: seconds(found.expiresAt),
      iat: seconds(found.issuedAt),
      jti: found.jti,
      ...(found.companyId !== undefined ? { company_id: found.companyId } : {}),
      ...grant,
    };
  }
}
