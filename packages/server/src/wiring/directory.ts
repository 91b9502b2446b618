import { AppCache } from '../apps/app-cache.ts';
import { AppService } from '../apps/app-service.ts';
import { LogoService } from '../apps/logo.ts';
import { AuditService } from '../audit/audit-service.ts';
import { AccessPolicy } from '../companies/access-policy.ts';
import { AdminKeyService } from '../companies/admin-key-service.ts';
import { CompanyDeletion } from '../companies/company-deletion.ts';
import { CompanyService } from '../companies/company-service.ts';
import { MembershipService } from '../companies/membership-service.ts';
import { OperatorKeyService } from '../companies/operator-key-service.ts';
import { CompanyGrantService } from '../consents/company-grant-service.ts';
import { IdempotencyService } from '../idempotency/idempotency-service.ts';
import { answerEncryptionKey, sealSecret } from '../keys/crypto.ts';
import type { GrantRegistry } from '../oauth/grants/registry.ts';
import type { ScopeModel } from '../oauth/scopes/model.ts';
import { InitialAccessTokenService } from '../registration/initial-access-token-service.ts';
import { RegistrationService } from '../registration/registration-service.ts';
import { UserAdminService } from '../users/user-admin-service.ts';
import { UserService } from '../users/user-service.ts';
import type { Shared } from './shared.ts';

/**
 * Companies, their apps, users and memberships, and what manages them: the services behind the
 * console, the management and operator APIs, and dynamic client registration.
 * The app cache subscribes to the invalidation bus here, before anything else does.
 */
export function wireDirectory(
  { config, storage, bus, secretKey }: Shared,
  { scopes, grantTypes }: { scopes: ScopeModel; grantTypes: GrantRegistry },
) {
  const cache = new AppCache(storage, bus, config.appCacheSize);
  const apps = new AppService(storage, cache, bus, scopes, config.minTokenTtlSeconds, grantTypes, (s) =>
    sealSecret(s, secretKey),
  );
  const companies = new CompanyService(storage);
  const users = new UserService(storage);
  const audit = new AuditService(storage);
  const adminKeys = new AdminKeyService(storage);
  const initialAccessTokens = new InitialAccessTokenService(storage, scopes, grantTypes);
  const operatorKeys = new OperatorKeyService(storage);
  const memberships = new MembershipService(storage);
  const userAdmin = new UserAdminService(storage, bus);
  const companyDeletion = new CompanyDeletion(storage, apps, bus);
  const logos = new LogoService(storage);
  const idempotency = new IdempotencyService(storage, {
    encryptionKey: answerEncryptionKey(config.serverSecret),
  });
  const grants = new CompanyGrantService(storage, bus);
  const access = new AccessPolicy(storage, config.planRules);
  const registrations = new RegistrationService(storage, apps, initialAccessTokens, config.issuer, access);
  return {
    apps,
    companies,
    users,
    audit,
    adminKeys,
    initialAccessTokens,
    operatorKeys,
    memberships,
    userAdmin,
    companyDeletion,
    logos,
    idempotency,
    grants,
    access,
    registrations,
  };
}
