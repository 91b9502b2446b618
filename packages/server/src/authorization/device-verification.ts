import type { AppService } from '../apps/app-service.ts';
import type { AccessPolicy } from '../companies/access-policy.ts';
import { formatUserCode, normaliseUserCode, userCodeHash } from '../oauth/device-codes.ts';
import type { AuthorizationRequest } from '../oauth/endpoints/authorize.ts';
import type { DeviceAuthorization, Storage } from '../storage/storage.ts';
import type { App, Company, User } from '../storage/types.ts';
import { sha256 } from '../util/hash.ts';
import type { AuthorizationService } from './authorization-service.ts';
import { type ErrorPageStep, EXPIRED, GONE } from './flow-steps.ts';
import type { ActiveSession, SessionService } from './session-service.ts';
import type { UserCodeThrottle } from './user-code-throttle.ts';

export type DeviceStore = Pick<
  Storage,
  | 'findDeviceAuthorizationByUserCode'
  | 'getDeviceVerification'
  | 'bindDeviceAuthorization'
  | 'setDeviceAuthorizationCompany'
  | 'decideDeviceAuthorization'
  | 'appendAuditEvent'
>;

export interface DeviceVerificationDeps {
  store: DeviceStore;
  apps: Pick<AppService, 'findByClientId'>;
  authorization: Pick<AuthorizationService, 'grantableCompanies' | 'company' | 'canSkipConsent' | 'complete'>;
  sessions: Pick<SessionService, 'user'>;
  access: Pick<AccessPolicy, 'planAllows' | 'rules'>;
  throttle: Pick<UserCodeThrottle, 'take' | 'succeeded'>;
}

/** What the device's request asks, shown before anything is granted (RFC 8628 5.4). */
export interface DeviceRequestView {
  /** As the person should compare it with the device's screen: `WDJB-MJHT`. */
  userCode: string;
  app: App;
  /** Every requested scope, OIDC ones included, to be described on the page. */
  scopes: string[];
}

/**
 * What the browser does next on the verification page. A step with a `deviceId` is a 303 to
 * that step's page; the others are rendered.
 */
export type DeviceStep =
  /** The code entry form, with what was typed and why it was refused. */
  | { kind: 'enter'; userCode?: string; error?: 'invalid' }
  /** Too many wrong codes from this session or address: a 429 page. */
  | { kind: 'throttled'; retryAfter: number }
  /** A right code, nobody signed in: sign in, then back to the code. */
  | { kind: 'sign-in'; userCode: string }
  /** A right code: what the device asks, with Continue and Deny (the anti-phishing check). */
  | ({ kind: 'confirm-page' } & DeviceRequestView)
  | { kind: 'choose-company'; deviceId: string }
  | { kind: 'consent'; deviceId: string }
  | { kind: 'continue'; deviceId: string }
  /** Done: the device gets its tokens (or `access_denied`) on its next poll. */
  | { kind: 'approved'; appName: string }
  | { kind: 'denied'; appName: string }
  | { kind: 'plan-required'; company: Company; plans: string[] }
  | ErrorPageStep;

export interface DeviceCompanyView {
  kind: 'company-page';
  deviceId: string;
  appName: string;
  companies: Company[];
}

export interface DeviceConsentView {
  kind: 'consent-page';
  deviceId: string;
  app: App;
  company: Company;
  user: User;
  scopes: string[];
}

interface Pending {
  device: DeviceAuthorization;
  app: App;
}

/** A request found by its user code (normalised, as typed right). */
interface Found extends Pending {
  userCode: string;
}

/**
 * The device verification flow (RFC 8628 3.3): enter the user code → sign in → confirm what
 * the device asks → choose the company → consent → the device's poll gets the tokens. The
 * same rules as the code flow (authorization/flow.ts): companies where the person is an
 * administrator, the plan, consent remembered by an active company grant; approval records
 * the company grant and leaves an authorization code (AuthorizationService.complete) that
 * only the device's poll can redeem. Wrong codes are throttled per session and address.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.3
 */
export class DeviceVerification {
  constructor(private readonly deps: DeviceVerificationDeps) {}

  /** GET /device: the form, or (signed in, with a code) what the device asks. */
  async show(active: ActiveSession, typed: string | undefined, ip: string): Promise<DeviceStep> {
    if (typed === undefined || typed === '') return { kind: 'enter' };
    if (active.session.userId === null) return { kind: 'enter', userCode: typed.slice(0, 40) };
    const found = await this.lookup(active, typed, ip);
    if (found.kind !== 'found') return found;
    return { kind: 'confirm-page', ...requestView(found.pending) };
  }

  /** POST /device: a right code goes on (to sign-in first if needed), a wrong one counts. */
  async submit(active: ActiveSession, typed: string | undefined, ip: string): Promise<DeviceStep> {
    const found = await this.lookup(active, typed ?? '', ip);
    if (found.kind !== 'found') return found;
    const view = requestView(found.pending);
    if (active.session.userId === null) return { kind: 'sign-in', userCode: view.userCode };
    return { kind: 'confirm-page', ...view };
  }

  /**
   * POST of the confirmation: `continue` binds the device's request to this session and goes
   * on to company and consent; `deny` ends it (the device hears `access_denied`).
   */
  async confirm(
    active: ActiveSession,
    typed: string | undefined,
    decision: string | undefined,
    ip: string,
  ): Promise<DeviceStep> {
    if (active.session.userId === null) return GONE;
    const found = await this.lookup(active, typed ?? '', ip);
    if (found.kind !== 'found') return found;
    const { device, app } = found.pending;
    if (!(await this.deps.store.bindDeviceAuthorization(device.id, active.session.idHash))) return EXPIRED;
    if (decision === 'deny') return this.deny(active, { device, app });
    if (decision !== 'continue') return { kind: 'confirm-page', ...requestView(found.pending) };
    return this.advance(active, device.id);
  }

  /** Moves a bound verification on: company, plan, consent, or done. */
  async advance(active: ActiveSession, deviceId: string | undefined): Promise<DeviceStep> {
    const pending = await this.pending(active, deviceId);
    const userId = active.session.userId;
    if (!pending || userId === null) return EXPIRED;
    const { device, app } = pending;
    const companies = await this.deps.authorization.grantableCompanies(userId, app);
    let companyId = device.companyId;
    if (companyId === null || !companies.some((c) => c.id === companyId)) {
      const only = companies[0];
      if (only === undefined) return this.deny(active, pending, 'no_company');
      if (companies.length > 1) return { kind: 'choose-company', deviceId: device.id };
      companyId = only.id;
      await this.deps.store.setDeviceAuthorizationCompany(device.id, active.session.idHash, companyId);
    }
    const blocked = await this.planBlock(companyId);
    if (blocked) return blocked;
    if (await this.deps.authorization.canSkipConsent(app, companyId, asRequest(pending)))
      return this.finish(active, device.id);
    return { kind: 'consent', deviceId: device.id };
  }

  /** GET of the company chooser. */
  async companyChoice(
    active: ActiveSession,
    deviceId: string | undefined,
  ): Promise<DeviceStep | DeviceCompanyView> {
    const pending = await this.pending(active, deviceId);
    const userId = active.session.userId;
    if (!pending || userId === null) return GONE;
    const companies = await this.deps.authorization.grantableCompanies(userId, pending.app);
    return { kind: 'company-page', deviceId: pending.device.id, appName: pending.app.name, companies };
  }

  /** POST of the company chooser. */
  async chooseCompany(
    active: ActiveSession,
    deviceId: string | undefined,
    companyId: string | undefined,
  ): Promise<DeviceStep> {
    const pending = await this.pending(active, deviceId);
    const userId = active.session.userId;
    if (!pending || userId === null) return GONE;
    const companies = await this.deps.authorization.grantableCompanies(userId, pending.app);
    if (companyId === undefined || !companies.some((c) => c.id === companyId))
      return { kind: 'choose-company', deviceId: pending.device.id };
    await this.deps.store.setDeviceAuthorizationCompany(pending.device.id, active.session.idHash, companyId);
    return { kind: 'continue', deviceId: pending.device.id };
  }

  /** GET of the consent page. */
  async consentView(
    active: ActiveSession,
    deviceId: string | undefined,
  ): Promise<DeviceStep | DeviceConsentView> {
    const pending = await this.pending(active, deviceId);
    if (!pending) return GONE;
    const { device, app } = pending;
    if (device.companyId === null) return { kind: 'continue', deviceId: device.id };
    const [user, company] = await Promise.all([
      this.deps.sessions.user(active),
      this.deps.authorization.company(device.companyId),
    ]);
    if (!user || !company) return GONE;
    return { kind: 'consent-page', deviceId: device.id, app, company, user, scopes: device.scopes };
  }

  /** POST of the consent page: `grant`, `deny`, or the step again. */
  async decide(
    active: ActiveSession,
    deviceId: string | undefined,
    decision: string | undefined,
  ): Promise<DeviceStep> {
    const pending = await this.pending(active, deviceId);
    if (!pending || pending.device.companyId === null) return GONE;
    if (decision === 'grant') return this.finish(active, pending.device.id);
    if (decision === 'deny') return this.deny(active, pending);
    return this.advance(active, pending.device.id);
  }

  /** Checks the role and plan again, records the grant, and approves (exactly once). */
  private async finish(active: ActiveSession, deviceId: string): Promise<DeviceStep> {
    const pending = await this.pending(active, deviceId);
    const userId = active.session.userId;
    if (!pending || userId === null || pending.device.companyId === null) return EXPIRED;
    const { device, app } = pending;
    const companyId = device.companyId as string;
    const blocked = await this.planBlock(companyId);
    if (blocked) return blocked;
    const companies = await this.deps.authorization.grantableCompanies(userId, app);
    if (!companies.some((c) => c.id === companyId)) return this.deny(active, pending, 'not_admin');
    const authTime = active.session.authTime ?? new Date();
    const outcome = await this.deps.authorization.complete(
      app,
      asRequest(pending),
      userId,
      companyId,
      authTime,
    );
    if (outcome.kind !== 'code') return EXPIRED;
    const approved = await this.deps.store.decideDeviceAuthorization(device.id, active.session.idHash, {
      status: 'approved',
      codeHash: sha256(outcome.code),
    });
    if (!approved) return EXPIRED;
    await this.deps.store.appendAuditEvent({
      companyId,
      actor: `user:${userId}`,
      action: 'device.approved',
      target: `app:${app.id}`,
      data: { scopes: device.scopes },
    });
    return { kind: 'approved', appName: app.name };
  }

  private async deny(
    active: ActiveSession,
    { device, app }: Pending,
    reason = 'denied',
  ): Promise<DeviceStep> {
    const denied = await this.deps.store.decideDeviceAuthorization(device.id, active.session.idHash, {
      status: 'denied',
    });
    if (!denied) return EXPIRED;
    await this.deps.store.appendAuditEvent({
      companyId: device.companyId ?? app.companyId,
      actor: active.session.userId === null ? 'anonymous' : `user:${active.session.userId}`,
      action: 'device.denied',
      target: `app:${app.id}`,
      data: { reason },
    });
    return { kind: 'denied', appName: app.name };
  }

  private async planBlock(companyId: string): Promise<DeviceStep | undefined> {
    const company = await this.deps.authorization.company(companyId);
    if (!company || this.deps.access.planAllows(company, 'grantAccess')) return undefined;
    return { kind: 'plan-required', company, plans: this.deps.access.rules.grantAccess };
  }

  /** A typed code, throttled: the pending request it names, or why not. */
  private async lookup(
    active: ActiveSession,
    typed: string,
    ip: string,
  ): Promise<{ kind: 'found'; pending: Found } | Extract<DeviceStep, { kind: 'enter' | 'throttled' }>> {
    const sessionHash = active.session.idHash;
    const wait = await this.deps.throttle.take(sessionHash, ip);
    if (wait > 0) return { kind: 'throttled', retryAfter: wait };
    const normalised = normaliseUserCode(typed);
    const device =
      normalised === undefined
        ? undefined
        : await this.deps.store.findDeviceAuthorizationByUserCode(userCodeHash(normalised));
    const app = device ? await this.deps.apps.findByClientId(device.clientId) : undefined;
    if (!device || !app || app.id !== device.appId)
      return { kind: 'enter', userCode: typed.slice(0, 40), error: 'invalid' };
    this.deps.throttle.succeeded(sessionHash, ip);
    return { kind: 'found', pending: { device, app, userCode: normalised as string } };
  }

  /** The session's bound, pending request with its app; undefined when any is gone. */
  private async pending(active: ActiveSession, deviceId: string | undefined): Promise<Pending | undefined> {
    if (deviceId === undefined || deviceId.length > 100) return undefined;
    const device = await this.deps.store.getDeviceVerification(deviceId, active.session.idHash);
    if (!device) return undefined;
    const app = await this.deps.apps.findByClientId(device.clientId);
    return app && app.id === device.appId ? { device, app } : undefined;
  }
}

/** The view of a found request; the user code is shown again, formatted, for comparison. */
function requestView({ device, app, userCode }: Found): DeviceRequestView {
  return { userCode: formatUserCode(userCode), app, scopes: device.scopes };
}

/** The device's request in the shape the code flow's rules take (no redirect, no PKCE). */
function asRequest({ device, app }: Pending): AuthorizationRequest {
  return {
    clientId: app.clientId,
    responseType: 'code',
    redirectUri: null,
    redirectUriGiven: false,
    scopes: device.scopes,
    state: null,
    nonce: null,
    codeChallenge: null,
    prompt: null,
  };
}
