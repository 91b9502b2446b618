import { printable } from '@gatehouse/scopes';
import { TOKEN_EXCHANGE_GRANT_TYPE } from '../../apps/token-exchange-settings.ts';
import type { ActClaim } from '../../storage/authorization-types.ts';
import type { TokenExchangePolicy } from '../../storage/types.ts';
import { actDepth, MAX_ACT_DEPTH } from '../../tokens/act-claim.ts';
import type { FoundAccessToken } from '../../tokens/token-inspector.ts';
import { InvalidGrant, InvalidRequest, InvalidTarget, UnauthorizedClient } from '../errors.ts';
import type { Params } from '../params.ts';
import { formatScope } from '../scopes/index.ts';
import type { GrantContext } from './grant-context.ts';
import type { GrantHandler } from './grant-handler.ts';

/** The one token type this server exchanges and issues (RFC 8693 3). */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** The token types of RFC 8693 3 this server recognises but does not accept, with why. */
const UNSUPPORTED_TYPES: Record<string, string> = {
  'urn:ietf:params:oauth:token-type:refresh_token':
    'refresh tokens are not exchanged: they stay with the client they were issued to',
  'urn:ietf:params:oauth:token-type:id_token': 'ID tokens are not exchanged: present the access token',
  'urn:ietf:params:oauth:token-type:jwt':
    'only access tokens of this server are exchanged: use urn:ietf:params:oauth:token-type:access_token',
  'urn:ietf:params:oauth:token-type:saml1': 'SAML assertions are not exchanged',
  'urn:ietf:params:oauth:token-type:saml2': 'SAML assertions are not exchanged',
};

function tokenType(params: Params, name: string): void {
  const value = params.get(name);
  if (value === undefined || value === ACCESS_TOKEN_TYPE) return;
  const why = UNSUPPORTED_TYPES[value] ?? `"${printable(value)}" is not a supported token type`;
  throw new InvalidRequest(`parameter "${name}": ${why} (supported: ${ACCESS_TOKEN_TYPE})`);
}

/**
 * The one resource the new token is for: `resource` (RFC 8707) and/or `audience` (RFC 8693
 * 2.1, here the URI of a catalog resource), naming the same one, and allowed by the app's
 * policy. A token has one audience, so one target per exchange.
 */
function target(params: Params, policy: TokenExchangePolicy): string {
  const named = [...new Set([...params.all('resource'), ...params.all('audience')])];
  if (named.length === 0)
    throw new InvalidRequest(
      'parameter "resource" (or "audience") is required: name the API the token is for',
    );
  if (named.length > 1)
    throw new InvalidTarget('name one resource per exchange: "resource" and "audience" must agree');
  const [uri] = named as [string];
  if (!policy.allowedResources.includes(uri))
    throw new InvalidTarget(
      `this app may not exchange tokens for resource "${printable(uri)}": its token-exchange policy does not list it`,
    );
  return uri;
}

type Inspect = Pick<GrantContext, 'inspector' | 'now'>;

/** An access token of ours that is active now (not expired, not revoked, its app and grant alive). */
async function activeAccessToken(
  ctx: Inspect,
  token: string,
  name: string,
  caller: Parameters<GrantContext['inspector']['state']>[1],
): Promise<FoundAccessToken> {
  const found = await ctx.inspector.find(token, 'access_token');
  const state = found?.kind === 'access' ? await ctx.inspector.state(found, caller, ctx.now()) : undefined;
  if (found?.kind !== 'access' || !state?.active)
    throw new InvalidGrant(`${name} is not an active access token issued by this server`);
  return found;
}

/**
 * Token exchange (RFC 8693) for internal services: a confidential app allowed this grant
 * type presents an access token it was given (`subject_token`), and, if its policy allows
 * or requires, one of its own (`actor_token`), and gets a new access token for one resource
 * of its policy. The new token keeps the subject token's subject, company and grant, with
 * its scopes narrowed (never widened: beyond them is `invalid_scope`) to the resource; its
 * `act` names the actor (the actor token's subject, else the exchanging app's client_id),
 * over the subject token's own `act` if it had one; its `client_id` is the exchanging app's;
 * it lives no longer than the subject token; no refresh token. Every exchange is audited.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-4.1
 */
export const tokenExchange: GrantHandler<
  'tokens' | 'scopes' | 'resources' | 'inspector' | 'audit' | 'onGrantUsed' | 'now'
> = {
  grantType: TOKEN_EXCHANGE_GRANT_TYPE,

  async handle(req, { app }, ctx) {
    if (app.clientType !== 'confidential')
      throw new UnauthorizedClient('public clients cannot use token exchange');
    const policy = app.tokenExchange;
    if (!policy) throw new UnauthorizedClient('this app has no token-exchange policy');
    const { params } = req;
    const subjectToken = params.require('subject_token');
    params.require('subject_token_type');
    tokenType(params, 'subject_token_type');
    tokenType(params, 'requested_token_type');
    const actorToken = params.get('actor_token');
    if ((actorToken === undefined) !== (params.get('actor_token_type') === undefined))
      throw new InvalidRequest('parameters "actor_token" and "actor_token_type" go together');
    tokenType(params, 'actor_token_type');
    if (actorToken === undefined && policy.actorToken === 'required')
      throw new InvalidRequest(
        'this app must present an actor token (its token-exchange policy requires one)',
      );
    if (actorToken !== undefined && policy.actorToken === 'forbidden')
      throw new InvalidRequest('this app may not present an actor token (its token-exchange policy)');
    const resource = target(params, policy);

    const subject = await activeAccessToken(ctx, subjectToken, 'subject_token', app);
    if (policy.allowedSubjectClients !== null && !policy.allowedSubjectClients.includes(subject.clientId))
      throw new InvalidGrant('subject_token was issued to a client this app may not exchange tokens of');
    const actor =
      actorToken === undefined ? undefined : await activeAccessToken(ctx, actorToken, 'actor_token', app);

    const granted = ctx.scopes.grant(subject.scopes, params.get('scope'), 'strict');
    const narrowed = ctx.resources.narrow([resource], granted, subject.scopes);
    if (!narrowed) throw new InvalidTarget('name the resource the token is for');
    const act: ActClaim = {
      sub: actor?.subject ?? app.clientId,
      ...(subject.act !== undefined ? { act: subject.act } : {}),
    };
    if (actDepth(act) > MAX_ACT_DEPTH)
      throw new InvalidGrant(
        `subject_token is already ${MAX_ACT_DEPTH - 1} exchanges deep: no further exchange`,
      );
    const now = ctx.now();
    const remaining = Math.floor((subject.expiresAt.getTime() - now) / 1000);
    if (remaining < 1)
      throw new InvalidGrant('subject_token is not an active access token issued by this server');

    const issued = await ctx.tokens.issueAccessToken({
      app,
      subject: subject.subject,
      scopes: narrowed.scopes,
      audience: narrowed.audience,
      act,
      ttlSeconds: remaining,
      now,
      ...(subject.companyId !== undefined ? { companyId: subject.companyId } : {}),
      ...(subject.grantId !== undefined ? { grantId: subject.grantId } : {}),
      ...(subject.familyId !== undefined ? { familyId: subject.familyId } : {}),
      ...(req.dpopJkt !== undefined ? { dpopJkt: req.dpopJkt } : {}),
    });
    await ctx.audit.appendAuditEvent({
      companyId: app.companyId,
      actor: `app:${app.id}`,
      action: 'token.exchanged',
      target: `app:${app.id}`,
      data: {
        client_id: app.clientId,
        subject: subject.subject,
        subject_client_id: subject.clientId,
        ...(subject.companyId !== undefined ? { subject_company_id: subject.companyId } : {}),
        act: act.sub,
        ...(actor !== undefined ? { actor_client_id: actor.clientId } : {}),
        resource: narrowed.audience,
        scopes: narrowed.scopes,
        jti: issued.jti,
        expires_in: issued.expiresIn,
      },
    });
    if (subject.grantId !== undefined) ctx.onGrantUsed(subject.grantId);
    return {
      access_token: issued.token,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: req.dpopJkt === undefined ? 'Bearer' : 'DPoP',
      expires_in: issued.expiresIn,
      scope: formatScope(narrowed.scopes),
    };
  },
};
