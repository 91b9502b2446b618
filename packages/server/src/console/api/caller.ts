import type {} from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import { SessionService } from '../../authorization/session-service.ts';
import { type AdminKeyService, adminKeyActor } from '../../companies/admin-key-service.ts';
import { DomainError, NotFoundError } from '../../errors.ts';
import type { Gatehouse } from '../../gatehouse.ts';
import { sessionCookieName } from '../../http/session-cookie.ts';
import type { Role } from '../../users/user-service.ts';

/** Who is calling the management API, and as which company. */
export interface Caller {
  companyId: string;
  role: Role;
  /** The audit actor: `admin_key:<id>` or `user:<id>`. */
  actor: string;
  via: 'admin_key' | 'session';
  userId: string | null;
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
 * to is answered like any other company's resource: 404.
 */
export class CallerResolver {
  readonly keys: AdminKeyService;
  private readonly cookieName: string;

  constructor(private readonly gh: Gatehouse) {
    this.keys = gh.adminKeys;
    this.cookieName = sessionCookieName(gh.config.issuer.startsWith('https://'));
  }

  async resolve(request: FastifyRequest): Promise<Caller> {
    const auth = request.headers.authorization;
    if (auth !== undefined) return this.byKey(auth);
    return this.bySession(request);
  }

  private async byKey(header: string): Promise<Caller> {
    const m = /^Bearer ([\x21-\x7e]+)$/i.exec(header.trim());
    if (!m) throw new Unauthorized('use Authorization: Bearer <admin key>', true);
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

  private async bySession(request: FastifyRequest): Promise<Caller> {
    const active = await this.gh.sessions.load(request.cookies?.[this.cookieName]);
    const userId = active?.session.userId;
    if (!active || !userId)
      throw new Unauthorized('sign in to the console or send an admin key as Authorization: Bearer');
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
        throw new DomainError(
          'company_required',
          memberships.length === 0
            ? 'you do not belong to any company'
            : 'you belong to several companies: name one in the x-company-id header',
          400,
        );
      companyId = (memberships[0] as { companyId: string }).companyId;
    }
    const membership = await this.gh.access.membership(userId, companyId);
    if (!membership) throw new NotFoundError('company');
    return { companyId, role: membership.role, actor: `user:${userId}`, via: 'session', userId };
  }
}
