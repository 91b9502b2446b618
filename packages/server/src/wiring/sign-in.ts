import type { AppService } from '../apps/app-service.ts';
import { AuthorizationService } from '../authorization/authorization-service.ts';
import { DelegatedUsers } from '../authorization/delegated-user.ts';
import { AuthorizationFlows } from '../authorization/flow.ts';
import { LoginDelegation } from '../authorization/login-delegation.ts';
import { RpInitiatedLogout } from '../authorization/logout.ts';
import { PasswordSignIn } from '../authorization/password-sign-in.ts';
import { SessionService } from '../authorization/session-service.ts';
import { UpstreamSignIn } from '../authorization/upstream-sign-in.ts';
import type { AccessPolicy } from '../companies/access-policy.ts';
import type { CompanyService } from '../companies/company-service.ts';
import { IdTokenHints } from '../tokens/id-token-hint.ts';
import type { TokenIssuer } from '../tokens/token-issuer.ts';
import { ScryptPool } from '../users/scrypt-pool.ts';
import type { UserAdminService } from '../users/user-admin-service.ts';
import type { BackchannelLogoutDispatcher } from '../webhooks/backchannel-dispatcher.ts';
import type { Shared } from './shared.ts';

export interface SignInDeps {
  apps: AppService;
  companies: CompanyService;
  userAdmin: UserAdminService;
  access: AccessPolicy;
  tokens: TokenIssuer;
  /** Woken when a session ends, to send its back-channel logouts. */
  backchannelLogouts: BackchannelLogoutDispatcher;
}

/**
 * Sign-in and the browser session (docs/sign-in.md): e-mail and password on the scrypt pool,
 * upstream OpenID Connect providers, delegation to the company's login application, the
 * interactive authorization flow, and RP-initiated logout.
 */
export function wireSignIn(
  { config, storage, keys, log, metrics, sharedLimits }: Shared,
  { apps, companies, userAdmin, access, tokens, backchannelLogouts }: SignInDeps,
) {
  const scryptPool = new ScryptPool(config.passwordHashing);
  const passwordSignIn = new PasswordSignIn(storage, scryptPool, config.loginThrottle, {
    metrics,
    shared: sharedLimits,
  });
  const sessions = new SessionService(storage, passwordSignIn, () => backchannelLogouts.wake());
  const authorization = new AuthorizationService(storage, tokens);
  const flows = new AuthorizationFlows({
    issuer: config.issuer,
    apps,
    authorization,
    sessions,
    access,
  });
  const upstreamSignIn = new UpstreamSignIn(storage, authorization, config.signIn, config.issuer, log);
  const loginDelegation = new LoginDelegation(
    storage,
    authorization,
    apps,
    new DelegatedUsers(storage, companies, userAdmin),
    config.signIn.delegation,
    config.issuer,
  );
  const logout = new RpInitiatedLogout({
    apps,
    hints: new IdTokenHints(keys, config.issuer),
    sessions,
  });
  return {
    scryptPool,
    passwordSignIn,
    sessions,
    authorization,
    flows,
    upstreamSignIn,
    loginDelegation,
    logout,
  };
}
