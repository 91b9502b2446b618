import type { Kysely, Migration, MigrationProvider } from 'kysely';
import * as m001 from './001-foundation.ts';
import * as m002 from './002-authorization.ts';
import * as m003 from './003-scope-policy.ts';
import * as m004 from './004-webhooks.ts';
import * as m005 from './005-revocations.ts';
import * as m006 from './006-admin-keys.ts';
import * as m007 from './007-app-logos.ts';
import * as m008 from './008-opaque-tokens.ts';
import * as m009 from './009-refresh-reuse-window.ts';
import * as m010 from './010-idempotency-keys.ts';
import * as m011 from './011-directory-lifecycle.ts';
import * as m013 from './013-key-rotation.ts';
import * as m014 from './014-external-identities.ts';
import * as m015 from './015-invitations.ts';
import * as m016 from './016-email-verification.ts';
import * as m017 from './017-login-requests.ts';
import * as m018 from './018-client-keys-and-par.ts';
import * as m019 from './019-dpop.ts';
import * as m021 from './021-email-tokens.ts';
import * as m023 from './023-logout.ts';
import * as m024 from './024-dynamic-registration.ts';
import * as m025 from './025-device-authorizations.ts';
import * as m026 from './026-token-exchange.ts';
import type { MigrationContext } from './context.ts';

export type { MigrationContext };

type Step = { up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> };

/** Every migration, in order. Names never change once released. */
const steps: Array<[string, Step]> = [
  ['001-foundation', m001],
  ['002-authorization', m002],
  ['003-scope-policy', m003],
  ['004-webhooks', m004],
  ['005-revocations', m005],
  ['006-admin-keys', m006],
  ['007-app-logos', m007],
  ['008-opaque-tokens', m008],
  ['009-refresh-reuse-window', m009],
  ['010-idempotency-keys', m010],
  ['011-directory-lifecycle', m011],
  ['013-key-rotation', m013],
  ['014-external-identities', m014],
  ['015-invitations', m015],
  ['016-email-verification', m016],
  ['017-login-requests', m017],
  ['018-client-keys-and-par', m018],
  ['019-dpop', m019],
  ['021-email-tokens', m021],
  ['023-logout', m023],
  ['024-dynamic-registration', m024],
  ['025-device-authorizations', m025],
  ['026-token-exchange', m026],
];

export function migrationProvider(ctx: MigrationContext): MigrationProvider {
  return {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, step] of steps) out[name] = { up: (db) => step.up(db, ctx) };
      return out;
    },
  };
}
