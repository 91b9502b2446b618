import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError } from '../errors.ts';
import type { Gatehouse } from '../gatehouse.ts';
import type { Role } from '../users/user-service.ts';
import { randomToken } from '../util/random.ts';
import { createGuideApps, GUIDE_APPS, type GuideAppCredentials } from './guide-apps.ts';

export const DEMO_COMPANY_NAME = 'Demo Company';
export const DEMO_APP_NAME = 'Demo app';
/** The demo API's own app: it introspects opaque tokens with these credentials. */
export const DEMO_API_APP_NAME = 'Demo API (resource server)';
export const DEMO_SCOPES = ['users.read', 'users.write', 'users.delete'];
/** 24 hours, as Connecteam's tokens. */
export const DEMO_TOKEN_TTL = 86_400;
const DEMO_USERS: { email: string; name: string; role: Role }[] = [
  { email: 'admin@demo-company.example', name: 'Demo Admin', role: 'admin' },
  { email: 'member@demo-company.example', name: 'Demo Member', role: 'member' },
];
const ACTOR = 'system:demo-seed';
export const SECOND_COMPANY_NAME = 'Demo Company West';
export const PARTNER_COMPANY_NAME = 'Demo Partner Inc.';

export interface DemoCredentials {
  companyId: string;
  appId: string;
  clientId: string;
  clientSecret: string;
  /** Password is null when the user existed before this file did (it cannot be recovered). */
  users: { email: string; role: Role; password: string | null }[];
  /** A second company the demo admin also administers (the company chooser shows both). */
  secondCompanyId?: string;
  /** The company that owns the partner apps of the guides. */
  partnerCompanyId?: string;
  /** One app per seed guide (test/seeds replays each guide against it). */
  guides?: GuideAppCredentials[];
  /** The partner company's admin, who manages its apps and webhooks in the console. */
  partnerAdmin?: { email: string; password: string | null };
  /**
   * The demo API's credentials as a resource server: npm start lets this app introspect every
   * access token (Gatehouse.resourceServers), so opaque tokens work at the demo API.
   */
  resourceServer?: { appId: string; clientId: string; clientSecret: string };
}

export interface SeedResult {
  credentials: DemoCredentials;
  /** True when this call created (or repaired) the demo data. */
  created: boolean;
  /** Where the credentials are kept for the next start. */
  file: string;
}

export function demoCredentialsFile(dataDir: string): string {
  return join(dataDir, 'demo-credentials.json');
}

function readCredentials(file: string): DemoCredentials | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as DemoCredentials;
    return typeof c.clientId === 'string' && typeof c.clientSecret === 'string' && Array.isArray(c.users)
      ? c
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Seeds the local demo, once: "Demo Company" with an admin and a member (generated
 * passwords) and an internal client-credentials app holding users.read, users.write and
 * users.delete with a 24-hour token lifetime. The credentials go to
 * `<dataDir>/demo-credentials.json` (mode 0600) so that every later start can print
 * working commands: a convenience of the local demo only, since Gatehouse itself never
 * keeps a secret in clear.
 *
 * Idempotent: when the file's app still exists nothing changes. When the file is lost
 * but the company exists (say, a shared PostgreSQL with a new data directory), the demo
 * app's secret is rotated so that the printed credentials work again.
 */
export async function seedDemo(gh: Gatehouse): Promise<SeedResult> {
  const file = demoCredentialsFile(gh.config.dataDir);
  const saved = readCredentials(file);
  if (saved) {
    const app = await gh.apps.findByClientId(saved.clientId);
    if (app && app.companyId === saved.companyId) {
      if (saved.guides && saved.resourceServer) return { credentials: saved, created: false, file };
      // A file from before the guide apps or the demo API's app existed: add what is missing.
      const completed = {
        ...saved,
        ...(saved.guides ? {} : await seedGuides(gh, saved.companyId)),
        resourceServer: saved.resourceServer ?? (await seedResourceServer(gh, saved.companyId)),
      };
      writeCredentials(gh, file, completed);
      return { credentials: completed, created: true, file };
    }
  }
  const companies = await gh.companies.listCompanies();
  const company =
    companies.find((c) => c.name === DEMO_COMPANY_NAME) ??
    (await gh.companies.createCompany({ name: DEMO_COMPANY_NAME }, ACTOR));

  const users: DemoCredentials['users'] = [];
  for (const u of DEMO_USERS) {
    const password = randomToken(18);
    try {
      await gh.companies.createUser({ ...u, password, companyId: company.id }, ACTOR);
      users.push({ email: u.email, role: u.role, password });
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      users.push({ email: u.email, role: u.role, password: null });
    }
  }

  const existingApp = (await gh.apps.list(company.id)).find((a) => a.name === DEMO_APP_NAME);
  const { app, clientSecret } = existingApp
    ? await gh.apps.rotateSecret(company.id, existingApp.id, ACTOR)
    : await gh.apps.create(
        {
          companyId: company.id,
          name: DEMO_APP_NAME,
          type: 'internal',
          grantTypes: ['client_credentials'],
          scopes: DEMO_SCOPES,
          tokenTtl: DEMO_TOKEN_TTL,
        },
        ACTOR,
      );

  if (clientSecret === null) throw new Error('the demo app must be confidential');
  const credentials: DemoCredentials = {
    companyId: company.id,
    appId: app.id,
    clientId: app.clientId,
    clientSecret,
    users,
    ...(await seedGuides(gh, company.id)),
    resourceServer: await seedResourceServer(gh, company.id),
  };
  writeCredentials(gh, file, credentials);
  return { credentials, created: true, file };
}

function writeCredentials(gh: Gatehouse, file: string, credentials: DemoCredentials): void {
  mkdirSync(gh.config.dataDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // mode above applies only to a new file
}

/**
 * A second company the demo admin also administers, a partner company, and one app per
 * seed guide. Apps found by name (a lost credentials file) get a fresh secret.
 */
async function seedGuides(
  gh: Gatehouse,
  companyId: string,
): Promise<
  Required<Pick<DemoCredentials, 'secondCompanyId' | 'partnerCompanyId' | 'guides' | 'partnerAdmin'>>
> {
  const companies = await gh.companies.listCompanies();
  const findOrCreate = async (name: string) =>
    companies.find((c) => c.name === name) ?? (await gh.companies.createCompany({ name }, ACTOR));
  const second = await findOrCreate(SECOND_COMPANY_NAME);
  const partner = await findOrCreate(PARTNER_COMPANY_NAME);
  const admin = await gh.users.byEmail(DEMO_USERS[0]?.email ?? '');
  if (admin) await gh.companies.addMembership(admin.id, second.id, 'admin', ACTOR);
  const partnerAdmin = await ensureUser(gh, PARTNER_ADMIN, partner.id);

  const existing = [...(await gh.apps.list(companyId)), ...(await gh.apps.list(partner.id))];
  const missing = GUIDE_APPS.filter((g) => !existing.some((a) => a.name === g.input.name));
  const created = await createGuideApps(gh, companyId, partner.id, ACTOR, missing);
  const guides: GuideAppCredentials[] = [];
  for (const spec of GUIDE_APPS) {
    const fresh = created.find((c) => c.guide === spec.guide);
    if (fresh) {
      guides.push(fresh);
      continue;
    }
    const app = existing.find((a) => a.name === spec.input.name);
    if (!app) continue;
    const rotated = await gh.apps.rotateSecret(app.companyId, app.id, ACTOR);
    guides.push({
      guide: spec.guide,
      name: app.name,
      summary: spec.summary,
      appId: app.id,
      clientId: app.clientId,
      clientSecret: rotated.clientSecret,
      redirectUris: app.redirectUris,
    });
  }
  return { secondCompanyId: second.id, partnerCompanyId: partner.id, guides, partnerAdmin };
}

/**
 * The demo API's app in the demo company (found by name, with a fresh secret, when the
 * credentials file was lost). It holds one read scope because every app holds one; it is used
 * only to authenticate to the introspection endpoint.
 */
async function seedResourceServer(
  gh: Gatehouse,
  companyId: string,
): Promise<NonNullable<DemoCredentials['resourceServer']>> {
  const existing = (await gh.apps.list(companyId)).find((a) => a.name === DEMO_API_APP_NAME);
  const { app, clientSecret } = existing
    ? await gh.apps.rotateSecret(companyId, existing.id, ACTOR)
    : await gh.apps.create(
        {
          companyId,
          name: DEMO_API_APP_NAME,
          type: 'internal',
          grantTypes: ['client_credentials'],
          scopes: ['users.read'],
        },
        ACTOR,
      );
  if (clientSecret === null) throw new Error('the demo API app must be confidential');
  return { appId: app.id, clientId: app.clientId, clientSecret };
}

const PARTNER_ADMIN = { email: 'admin@demo-partner.example', name: 'Partner Admin', role: 'admin' as const };

/** Creates the user as an admin of the company; a user that exists keeps its (unknown) password. */
async function ensureUser(
  gh: Gatehouse,
  u: { email: string; name: string; role: Role },
  companyId: string,
): Promise<{ email: string; password: string | null }> {
  const password = randomToken(18);
  try {
    await gh.companies.createUser({ ...u, password, companyId }, ACTOR);
    return { email: u.email, password };
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    return { email: u.email, password: null };
  }
}
