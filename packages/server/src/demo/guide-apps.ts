import type { AppInput } from '../apps/validation.ts';
import type { Gatehouse } from '../gatehouse.ts';

/** The seed guides Gatehouse replays (test/seeds), one demo app each. */
export type Guide = 'connecteam' | '7shifts' | 'perscom' | 'connect' | 'culture-amp';

/** The Culture Amp guide's example entity. */
export const CULTURE_AMP_ENTITY = '8ed17dce-9eca-4383-a9e1-54f82c362b6d';

export interface GuideAppSpec {
  guide: Guide;
  /** Who owns the app: the demo company itself (internal) or a partner company. */
  owner: 'company' | 'partner';
  /** What the guide describes, in a line, for the start banner. */
  summary: string;
  input: Omit<AppInput, 'companyId'>;
}

/**
 * One app per seed guide, configured the way that guide describes: Connecteam's internal
 * 24-hour client-credentials app, 7shifts' partner with company grants and 1-hour tokens,
 * PERSCOM's authorization-code app with refresh tokens, the Connect API's integration that
 * asks for `*`, and Culture Amp's entity-scoped credential whose tokens inherit its
 * permissions (3599 s).
 */
export const GUIDE_APPS: GuideAppSpec[] = [
  {
    guide: 'connecteam',
    owner: 'company',
    summary: 'internal app, client credentials over HTTP Basic, 24 h tokens',
    input: {
      name: 'Internal Dashboards',
      type: 'internal',
      grantTypes: ['client_credentials'],
      scopes: [
        'users.read',
        'users.write',
        'users.delete',
        'schedule.read',
        'time_clock.write',
        'forms.read',
      ],
      tokenTtl: 86_400,
    },
  },
  {
    guide: '7shifts',
    owner: 'partner',
    summary: 'partner app, company grant GUID (no redirect URI: GUID page), 1 h tokens, x-company-guid',
    input: {
      name: 'Shiftly Partner',
      type: 'partner',
      grantTypes: ['authorization_code', 'client_credentials'],
      grantDelivery: 'company_grant',
      scopes: ['v1_access', 'companies_read', 'locations_read', 'shifts_read', 'time_punches_read'],
      tokenTtl: 3600,
      redirectUris: [],
    },
  },
  {
    guide: 'perscom',
    owner: 'partner',
    summary: 'partner app, authorization code + refresh tokens, client_secret_post',
    input: {
      name: 'Roster Timekeeping',
      type: 'partner',
      grantTypes: ['authorization_code', 'refresh_token'],
      scopes: ['view:user', 'update:user'],
      tokenTtl: 3600,
      redirectUris: ['http://localhost:8080/perscom/callback'],
    },
  },
  {
    guide: 'connect',
    owner: 'partner',
    summary: 'partner integration, authorization link with scope=*',
    input: {
      name: 'Connect Integration',
      type: 'partner',
      grantTypes: ['authorization_code', 'refresh_token'],
      scopes: ['users.read', 'users.write', 'forms.read'],
      tokenTtl: 3600,
      redirectUris: ['http://localhost:8080/connect/callback'],
    },
  },
  {
    guide: 'culture-amp',
    owner: 'company',
    summary: 'entity-scoped credential; tokens inherit its permissions, 3599 s',
    input: {
      name: 'People Analytics Export',
      type: 'internal',
      grantTypes: ['client_credentials'],
      scopes: [`target-entity:${CULTURE_AMP_ENTITY}:employees-read,performance-evaluations-read`],
      scopePolicy: 'narrow',
      tokenTtl: 3599,
    },
  },
];

export interface GuideAppCredentials {
  guide: Guide;
  name: string;
  summary: string;
  appId: string;
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

/** Creates the guide apps (for the demo company, or owned by the partner company). */
export async function createGuideApps(
  gh: Gatehouse,
  companyId: string,
  partnerCompanyId: string,
  actor: string,
  specs: readonly GuideAppSpec[] = GUIDE_APPS,
): Promise<GuideAppCredentials[]> {
  const out: GuideAppCredentials[] = [];
  for (const spec of specs) {
    const owner = spec.owner === 'company' ? companyId : partnerCompanyId;
    const { app, clientSecret } = await gh.apps.create({ ...spec.input, companyId: owner }, actor);
    // Every guide app is confidential: the guides show a client authenticating with its secret.
    if (clientSecret === null) throw new Error(`guide app ${app.name} must be confidential`);
    out.push({
      guide: spec.guide,
      name: app.name,
      summary: spec.summary,
      appId: app.id,
      clientId: app.clientId,
      clientSecret,
      redirectUris: app.redirectUris,
    });
  }
  return out;
}
