import type {} from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import { SessionService } from '../../authorization/session-service.ts';
import { type AdminKeyService, adminKeyActor } from '../../companies/admin-key-service.ts';
import { type OperatorKeyService, operatorKeyActor } from '../../companies/operator-key-service.ts';
import { DomainError, NotFoundError } from '../../errors.ts';
import type { Gatehouse } from '../../gatehouse.ts';
import { sessionCookieName } from '../../http/session-cookie.ts';
import type { Role } from '../../users/user-service.ts';
import { SecretPrefix } from '../../util/secrets.ts';

/** Who is calling the management API, and as which company. */
export interface Caller {
  /** The company acted on; {@link OPERATOR_SCOPE} on an operator route, which has none. */
  companyId: string;
  role: Role;
  /** The audit actor: `admin_key:<id>`, `operator_key:<id>` or `user:<id>`. */
  actor: string;
  via: 'admin_key' | 'operator_key' | 'session';
  userId: string | null;
}

/** The company id of a caller on an operator route (it scopes Idempotency-Keys, nothing else). */
export const OPERATOR_SCOPE = '';

/** 403: an operator route called with an admin key or a console session. */
export class OperatorKeyRequired extends DomainError {
  constructor() {
    super(
      'operator_key_required',
      'this route manages the whole directory: only an operator key may call it (gatehouse operator-key create)',
      403,
    );
  }
}

function companyRequired(message: string): DomainError {
  return new DomainError('company_required', message, 400);
}

const REALM = 'Bearer realm="gatehouse-management"';

/**
 * 401 with the challenge a Bearer client expects.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export class Unauthorized extends DomainError {
  constructor(message: string, invalidToken = false) {
    super('unauthorized', message, 401, {
      'WWW-Authenticate': invalidToken ? `${REALM}, error="invalid_token"` : REALM,
    });
  }
}

export class InvalidCsrfToken extends DomainError {
  constructor() {
    super(
      'invalid_csrf_token',
      'a request authenticated by the console session must carry its CSRF token in x-csrf-token',
      403,
    );
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Authenticates a management API request: an admin key (`Authorization: Bearer gtha_...`)
 * acts as an admin of its own company; otherwise the console session cookie acts as the
 * signed-in user in the company named by `x-company-id` (or their only company), and
 * unsafe methods must carry the session's CSRF token. A company the user does not belong
 * to is answered like any other company's resource: 404. An operator key (`gtho_...`) alone
 * may call the operator routes, and on the company routes acts as an admin of the company
 * named by `x-company-id`.
 */
export class CallerResolver {
  readonly keys: AdminKeyService;
  readonly operatorKeys: OperatorKeyService;
  private readonly cookieName: string;

  constructor(private readonly gh: Gatehouse) {
    this.keys = gh.adminKeys;
    this.operatorKeys = gh.operatorKeys;
    this.cookieName = sessionCookieName(gh.config.issuer.startsWith('https://'));
  }

  /**
   * The caller of a route. An operator route takes only an operator key (anything else that
   * authenticates is 403); on a company route an operator key acts as an admin of the company
   * named by `x-company-id`.
   */
  async resolve(request: FastifyRequest, operatorRoute = false): Promise<Caller> {
    const auth = request.headers.authorization;
    const caller = auth !== undefined ? await this.byKey(auth, request, operatorRoute) : undefined;
    if (operatorRoute) {
      if (caller?.via === 'operator_key') return caller;
      if (caller === undefined) await this.sessionUser(request);
      throw new OperatorKeyRequired();
    }
    return caller ?? this.bySession(request);
  }

  private async byKey(header: string, request: FastifyRequest, operatorRoute: boolean): Promise<Caller> {
    const m = /^Bearer ([\x21-\x7e]+)$/i.exec(header.trim());
    if (!m) throw new Unauthorized('use Authorization: Bearer <admin key>', true);
    if ((m[1] as string).startsWith(SecretPrefix.operatorKey))
      return this.byOperatorKey(m[1] as string, request, operatorRoute);
    const key = await this.keys.authenticate(m[1] as string);
    if (!key) throw new Unauthorized('the admin key is not valid (unknown or revoked)', true);
    return {
      companyId: key.companyId,
      role: 'admin',
      actor: adminKeyActor(key),
      via: 'admin_key',
      userId: null,
    };
  }

  private async byOperatorKey(
    secret: string,
    request: FastifyRequest,
    operatorRoute: boolean,
  ): Promise<Caller> {
    const key = await this.operatorKeys.authenticate(secret);
    if (!key) throw new Unauthorized('the operator key is not valid (unknown or revoked)', true);
    const actor = operatorKeyActor(key);
    if (operatorRoute)
      return { companyId: OPERATOR_SCOPE, role: 'admin', actor, via: 'operator_key', userId: null };
    const named = request.headers['x-company-id'];
    if (typeof named !== 'string' || named === '')
      throw companyRequired('an operator key acts on one company: name it in the x-company-id header');
    // Throws NotFoundError (404) for a company that does not exist.
    await this.gh.companies.getCompany(named);
    return { companyId: named, role: 'admin', actor, via: 'operator_key', userId: null };
  }

  /** The signed-in session, or 401. */
  private async sessionUser(request: FastifyRequest) {
    const active = await this.gh.sessions.load(request.cookies?.[this.cookieName]);
    const userId = active?.session.userId;
    if (!active || !userId)
      throw new Unauthorized('sign in to the console or send an admin key as Authorization: Bearer');
    return { active, userId };
  }

  private async bySession(request: FastifyRequest): Promise<Caller> {
    const { active, userId } = await this.sessionUser(request);
    // Checked before anything else is learnt: a cross-site request must not even probe.
    if (UNSAFE.has(request.method)) {
      const token = request.headers['x-csrf-token'];
      if (!SessionService.csrfValid(active, typeof token === 'string' ? token : undefined))
        throw new InvalidCsrfToken();
    }
    const named = request.headers['x-company-id'];
    let companyId: string;
    if (typeof named === 'string' && named !== '') companyId = named;
    else {
      const memberships = await this.gh.users.memberships(userId);
      if (memberships.length !== 1)
        throw companyRequired(
          memberships.length === 0
            ? 'you do not belong to any company'
            : 'you belong to several companies: name one in the x-company-id header',
        );
      companyId = (memberships[0] as { companyId: string }).companyId;
    }
    const membership = await this.gh.access.membership(userId, companyId);
    if (!membership) throw new NotFoundError('company');
    return { companyId, role: membership.role, actor: `user:${userId}`, via: 'session', userId };
  }
}
