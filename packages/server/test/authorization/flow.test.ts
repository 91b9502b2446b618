import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AppInput } from '../../src/apps/validation.ts';
import { AuthorizationFlows } from '../../src/authorization/flow.ts';
import { EXPIRED, type FlowStep, GONE } from '../../src/authorization/flow-steps.ts';
import type { ActiveSession } from '../../src/authorization/session-service.ts';
import { AccessPolicy } from '../../src/companies/access-policy.ts';
import { loadConfig } from '../../src/config/index.ts';
import { Gatehouse } from '../../src/gatehouse.ts';
import { createLogger } from '../../src/logger.ts';
import { validateAuthorizationRequest } from '../../src/oauth/endpoints/authorize.ts';
import { Params } from '../../src/oauth/params.ts';
import { openStorage } from '../../src/storage/sql/storage.ts';
import type { Storage } from '../../src/storage/storage.ts';
import { forDialects, type TestDatabase, withTestPostgres } from '../pg.ts';

// The flow as a domain module: real services over a real database (SQLite, and PostgreSQL when
// it answers), no HTTP server. Each case starts from a validated request and a session and
// asserts the step the flow returns.

const ISSUER = 'http://gatehouse.test';
const REDIRECT = 'https://client.example/cb';
const PASSWORD = 'correct horse battery staple';

type Who = 'anonymous' | 'solo' | 'multi' | 'member' | 'tiny';
type AppName = 'code' | 'skip' | 'implicit' | 'grantRedirect' | 'grantPage';

/** The URL of a redirect step, with its query and fragment parameters. */
function redirected(step: FlowStep, response: string) {
  assert.equal(step.kind, 'redirect', JSON.stringify(step));
  assert.ok(step.kind === 'redirect');
  assert.equal(step.response, response);
  const url = new URL(step.url);
  return { url, query: url.searchParams, fragment: new URLSearchParams(url.hash.slice(1)) };
}

function flowIdOf(step: FlowStep | { kind: string }, kind: string): string {
  assert.equal(step.kind, kind, JSON.stringify(step));
  assert.ok('flowId' in step && typeof step.flowId === 'string');
  return step.flowId;
}

await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`the authorization flow without HTTP (${dialect})`, { skip: skip || false }, () => {
    let gh: Gatehouse;
    let flows: AuthorizationFlows;
    let storage: Storage | undefined;
    let db: TestDatabase | undefined;
    const dir = mkdtempSync(join(tmpdir(), 'gh-flow-'));
    const users = {} as Record<Exclude<Who, 'anonymous'>, string>;
    const clients = {} as Record<AppName, string>;
    const companies = {} as Record<'acme' | 'bistro' | 'tiny', string>;

    before(async () => {
      if (dialect === 'postgres') {
        db = await withTestPostgres();
        storage = openStorage(db.url);
      }
      const config = loadConfig({
        env: {},
        overrides: { dataDir: dir, serverSecret: 'flow-test-secret-0123456789abcdef', issuer: ISSUER },
      });
      const logger = createLogger('silent', { pretty: false });
      gh = await Gatehouse.open(config, { logger, ...(storage ? { storage } : {}) });
      flows = gh.flows;
      const co = gh.companies;
      companies.acme = (await co.createCompany({ name: 'Acme' }, 'test')).id;
      companies.bistro = (await co.createCompany({ name: 'Bistro' }, 'test')).id;
      companies.tiny = (await co.createCompany({ name: 'Tiny', plan: 'free' }, 'test')).id;
      const user = async (name: string, memberships: [string, 'admin' | 'member'][]) => {
        const u = await co.createUser({ email: `${name}@flow.test`, password: PASSWORD }, 'test');
        for (const [companyId, role] of memberships) await co.addMembership(u.id, companyId, role, 'test');
        return u.id;
      };
      users.solo = await user('solo', [[companies.acme, 'admin']]);
      users.multi = await user('multi', [
        [companies.acme, 'admin'],
        [companies.bistro, 'admin'],
      ]);
      users.member = await user('member', [[companies.acme, 'member']]);
      users.tiny = await user('tiny', [[companies.tiny, 'admin']]);
      const app = async (input: Partial<AppInput>) => {
        const created = await gh.apps.create(
          {
            companyId: companies.acme,
            name: 'Flow app',
            type: 'partner',
            scopes: ['users.read', 'users.write'],
            grantTypes: ['authorization_code'],
            redirectUris: [REDIRECT],
            ...input,
          },
          'test',
        );
        return created.app.clientId;
      };
      clients.code = await app({ name: 'Code app' });
      clients.skip = await app({ name: 'Skipping app', skipConsent: true });
      clients.implicit = await app({ name: 'Implicit app', grantTypes: ['implicit'] });
      const companyGrant: Partial<AppInput> = {
        grantTypes: ['client_credentials'],
        grantDelivery: 'company_grant',
      };
      clients.grantRedirect = await app({ name: 'Grant app', ...companyGrant });
      clients.grantPage = await app({ name: 'Manual app', ...companyGrant, redirectUris: [] });
    });
    after(async () => {
      await gh?.close();
      await storage?.close();
      await db?.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    async function session(who: Who): Promise<ActiveSession> {
      const anonymous = await gh.sessions.startAnonymous();
      return who === 'anonymous' ? anonymous : gh.sessions.signIn(anonymous, users[who]);
    }

    /** A request as validateAuthorizationRequest passes it to the flow. */
    async function validated(client: AppName, extra: Record<string, string> = {}) {
      const params: Record<string, string> = { client_id: clients[client], state: 'st-1', ...extra };
      params.response_type ??= client === 'implicit' ? 'token' : 'code';
      params.scope ??= 'users.read';
      if (client !== 'grantPage') params.redirect_uri ??= REDIRECT;
      return validateAuthorizationRequest(() => Params.fromEntries(Object.entries(params)), gh.oauthContext);
    }

    async function start(who: Who, client: AppName, extra: Record<string, string> = {}) {
      const active = await session(who);
      const v = await validated(client, extra);
      return { active, step: await flows.start(v.app, v.request, active) };
    }

    /** Signs in as `who`, starts on `client` and grants, returning the final step. */
    async function granted(who: Who, client: AppName, extra: Record<string, string> = {}) {
      const { active, step } = await start(who, client, extra);
      return { active, step: await flows.decide(active, flowIdOf(step, 'consent'), 'grant') };
    }

    // The first step for each kind of person, and what prompt=none gets instead of that page.
    const firstSteps: [Who, string, string, string][] = [
      ['anonymous', 'sign-in', 'login_required', 'the user is not signed in'],
      [
        'multi',
        'choose-company',
        'account_selection_required',
        'the user must choose the company to grant access for',
      ],
      ['solo', 'consent', 'consent_required', 'the user must consent'],
    ];
    for (const [who, kind, error, description] of firstSteps)
      test(`start as ${who}: ${kind}; with prompt=none, ${error} in the query with state and iss`, async () => {
        flowIdOf((await start(who, 'code')).step, kind);
        const { url, query } = redirected((await start(who, 'code', { prompt: 'none' })).step, 'error');
        assert.equal(url.origin + url.pathname, REDIRECT);
        assert.deepEqual(Object.fromEntries(query), {
          error,
          error_description: description,
          state: 'st-1',
          iss: ISSUER,
        });
      });

    test('start, implicit, prompt=none: the error goes in the fragment', async () => {
      const { query, fragment } = redirected(
        (await start('anonymous', 'implicit', { prompt: 'none' })).step,
        'error',
      );
      assert.deepEqual([...query], []);
      assert.equal(fragment.get('error'), 'login_required');
      assert.equal(fragment.get('iss'), ISSUER);
    });

    test('start, no redirect URI to send an error to: an error page', async () => {
      assert.deepEqual((await start('anonymous', 'grantPage', { prompt: 'none' })).step, {
        kind: 'error-page',
        status: 400,
        title: { key: 'flow.failed_title' },
        message: { key: 'flow.refused' },
        detail: 'the user is not signed in',
        code: 'login_required',
      });
    });

    test('start as an admin of no company: access_denied', async () => {
      const { query } = redirected((await start('member', 'code')).step, 'error');
      assert.equal(query.get('error'), 'access_denied');
      assert.match(query.get('error_description') ?? '', /not an administrator of any company/);
    });

    test('start for a company whose plan does not allow granting: the plan page', async () => {
      const { step } = await start('tiny', 'code');
      assert.ok(step.kind === 'plan-required', JSON.stringify(step));
      assert.equal(step.company.id, companies.tiny);
      assert.deepEqual(step.plans, ['pro', 'enterprise']);
    });

    test('refusal: before the redirect URI is proven a page, after it a redirect, else nothing', async () => {
      const page = await validateAuthorizationRequest(
        () => Params.fromEntries([['client_id', 'nope']]),
        gh.oauthContext,
      )
        .then(() => assert.fail('validated'))
        .catch((err: unknown) => flows.refusal(err));
      assert.equal(page?.kind, 'error-page');
      assert.ok(page?.kind === 'error-page');
      assert.deepEqual(page.title, { key: 'flow.link_unusable_title' });
      assert.equal(page.code, 'invalid_request');
      const back = await validated('code', { scope: 'nonsense.scope' })
        .then(() => assert.fail('validated'))
        .catch((err: unknown) => flows.refusal(err));
      assert.ok(back);
      assert.equal(redirected(back, 'error').query.get('error'), 'invalid_scope');
      assert.equal(flows.refusal(new Error('boom')), undefined);
    });

    test('advance: no flow id, an unknown one, another session’s, or an ended one is expired', async () => {
      const { active, step } = await start('solo', 'code');
      const id = flowIdOf(step, 'consent');
      assert.deepEqual(await flows.advance(active, undefined), EXPIRED);
      assert.deepEqual(await flows.advance(active, 'flow_unknown'), EXPIRED);
      assert.deepEqual(await flows.advance(await session('solo'), id), EXPIRED);
      assert.equal((await flows.advance(active, id)).kind, 'consent');
      redirected(await flows.decide(active, id, 'deny'), 'error');
      assert.deepEqual(await flows.advance(active, id), EXPIRED);
    });

    test('advance: a flow whose app was deleted is expired', async () => {
      const doomed = await gh.apps.create(
        {
          companyId: companies.acme,
          name: 'Doomed',
          type: 'partner',
          scopes: ['users.read'],
          grantTypes: ['authorization_code'],
          redirectUris: [REDIRECT],
        },
        'test',
      );
      const active = await session('solo');
      const v = await validateAuthorizationRequest(
        () =>
          Params.fromEntries(
            Object.entries({ client_id: doomed.app.clientId, response_type: 'code', scope: 'users.read' }),
          ),
        gh.oauthContext,
      );
      const id = flowIdOf(await flows.start(v.app, v.request, active), 'consent');
      await gh.apps.delete(companies.acme, doomed.app.id, 'test');
      assert.deepEqual(await flows.advance(active, id), EXPIRED);
      assert.deepEqual(await flows.decide(active, id, 'grant'), GONE);
    });

    test('choose company: an invalid choice shows the chooser again; a valid one goes on to consent', async () => {
      const { active, step } = await start('multi', 'code');
      const id = flowIdOf(step, 'choose-company');
      const view = await flows.companyChoice(active, id);
      assert.equal(view.kind, 'company-page');
      assert.ok(view.kind === 'company-page');
      assert.deepEqual(view.companies.map((c) => c.id).sort(), [companies.acme, companies.bistro].sort());
      assert.equal(view.appName, 'Code app');
      assert.equal(view.redirectUri, REDIRECT);
      assert.deepEqual(await flows.decide(active, id, 'grant'), GONE, 'no company yet: nothing to grant');
      assert.equal(flowIdOf(await flows.chooseCompany(active, id, undefined), 'choose-company'), id);
      assert.equal(flowIdOf(await flows.chooseCompany(active, id, companies.tiny), 'choose-company'), id);
      assert.equal(flowIdOf(await flows.chooseCompany(active, id, companies.bistro), 'continue'), id);
      assert.equal(flowIdOf(await flows.advance(active, id), 'consent'), id);
      const consent = await flows.consentView(active, id);
      assert.ok(consent.kind === 'consent-page');
      assert.equal(consent.company.id, companies.bistro);
      assert.equal(consent.user.id, users.multi);
      assert.deepEqual(consent.scopes, ['users.read']);
    });

    test('choose company: gone without a flow or a user; sign in first when nobody is', async () => {
      const { active, step } = await start('anonymous', 'code');
      const id = flowIdOf(step, 'sign-in');
      assert.deepEqual(await flows.companyChoice(active, 'flow_unknown'), GONE);
      assert.equal(flowIdOf(await flows.companyChoice(active, id), 'sign-in'), id);
      assert.deepEqual(await flows.chooseCompany(active, id, companies.acme), GONE);
      assert.deepEqual(await flows.chooseCompany(await session('multi'), id, companies.acme), GONE);
    });

    test('consent view: gone without a flow, back to the flow without a company', async () => {
      const multi = await start('multi', 'code');
      assert.deepEqual(await flows.consentView(multi.active, undefined), GONE);
      const id = flowIdOf(multi.step, 'choose-company');
      assert.equal(flowIdOf(await flows.consentView(multi.active, id), 'continue'), id);
      const anonymous = await start('anonymous', 'code');
      const anonId = flowIdOf(anonymous.step, 'sign-in');
      assert.equal(flowIdOf(await flows.consentView(anonymous.active, anonId), 'continue'), anonId);
      assert.deepEqual(await flows.decide(anonymous.active, anonId, 'grant'), GONE);
    });

    test('decide: grant redirects with a single-use code; a second submit finds nothing', async () => {
      const { active, step } = await start('solo', 'code');
      const id = flowIdOf(step, 'consent');
      assert.equal(
        flowIdOf(await flows.decide(active, id, 'maybe'), 'consent'),
        id,
        'no decision: the step again',
      );
      assert.equal(flowIdOf(await flows.decide(active, id, undefined), 'consent'), id);
      const { url, query } = redirected(await flows.decide(active, id, 'grant'), 'code');
      assert.equal(url.origin + url.pathname, REDIRECT);
      assert.match(query.get('code') ?? '', /.{20,}/);
      assert.equal(query.get('state'), 'st-1');
      assert.equal(query.get('iss'), ISSUER);
      assert.deepEqual(await flows.decide(active, id, 'grant'), GONE);
      const connected = await gh.grants.connectedApps(companies.acme);
      const grant = connected.find((c) => c.app.clientId === clients.code)?.grant;
      assert.deepEqual(grant?.scopes, ['users.read']);
    });

    test('decide: deny sends access_denied', async () => {
      const { active, step } = await start('solo', 'code', { state: 'deny-me' });
      const { query } = redirected(await flows.decide(active, flowIdOf(step, 'consent'), 'deny'), 'error');
      assert.equal(query.get('error'), 'access_denied');
      assert.equal(query.get('error_description'), 'the user denied access');
      assert.equal(query.get('state'), 'deny-me');
    });

    test('implicit: the token arrives in the fragment', async () => {
      const { fragment, query } = redirected((await granted('solo', 'implicit')).step, 'token');
      assert.deepEqual([...query], []);
      assert.equal(fragment.get('token_type'), 'Bearer');
      assert.match(fragment.get('access_token') ?? '', /.{20,}/);
      assert.ok(Number(fragment.get('expires_in')) > 0);
      assert.equal(fragment.get('scope'), 'users.read');
      assert.equal(fragment.get('state'), 'st-1');
      assert.equal(fragment.get('iss'), ISSUER);
    });

    test('company grant with a redirect URI: GUID and company id in the fragment', async () => {
      const { fragment } = redirected((await granted('solo', 'grantRedirect')).step, 'company_grant');
      assert.equal(fragment.get('company_id'), companies.acme);
      assert.equal(fragment.get('state'), 'st-1');
      const grant = await gh.authorization.grantByGuid(fragment.get('guid') ?? '');
      assert.equal(grant?.companyId, companies.acme);
    });

    test('company grant without a redirect URI: the GUID page, for the granting session only', async () => {
      const { active, step } = await granted('solo', 'grantPage');
      const id = flowIdOf(step, 'show-grant');
      const view = await flows.grantShown(active, id);
      assert.ok(view.kind === 'grant-page', JSON.stringify(view));
      assert.equal(view.appName, 'Manual app');
      assert.equal(view.company.id, companies.acme);
      assert.equal(view.grant.companyId, companies.acme);
      assert.deepEqual(await flows.grantShown(await session('solo'), id), EXPIRED);
      assert.deepEqual(await flows.grantShown(active, ''), EXPIRED);
      assert.deepEqual(await flows.advance(active, id), EXPIRED, 'a shown grant cannot be advanced');
      const pending = await start('solo', 'grantPage');
      assert.deepEqual(await flows.grantShown(pending.active, flowIdOf(pending.step, 'consent')), EXPIRED);
    });

    test('remembered consent: an app that may skip it gets a code at once, unless prompt=consent', async () => {
      flowIdOf((await start('solo', 'skip')).step, 'consent');
      redirected((await start('solo', 'skip', { prompt: 'none' })).step, 'error');
      redirected((await granted('solo', 'skip')).step, 'code');
      redirected((await start('solo', 'skip')).step, 'code');
      redirected((await start('solo', 'skip', { prompt: 'none' })).step, 'code');
      flowIdOf((await start('solo', 'skip', { prompt: 'consent' })).step, 'consent');
      flowIdOf((await start('solo', 'skip', { scope: 'users.read users.write' })).step, 'consent');
    });

    test('plan gating is checked again at Grant, and the flow survives it', async () => {
      const { active, step } = await start('solo', 'code');
      const id = flowIdOf(step, 'consent');
      const strict = new AuthorizationFlows({
        issuer: ISSUER,
        apps: gh.apps,
        authorization: gh.authorization,
        sessions: gh.sessions,
        access: new AccessPolicy(gh.storage, { createApps: ['enterprise'], grantAccess: ['pro'] }),
      });
      const blocked = await strict.decide(active, id, 'grant');
      assert.ok(blocked.kind === 'plan-required', JSON.stringify(blocked));
      assert.deepEqual(blocked.plans, ['pro']);
      redirected(await flows.decide(active, id, 'grant'), 'code');
    });

    test('sign-in view: the form with the flow, the flow once signed in, or who is signed in', async () => {
      const { active, step } = await start('anonymous', 'code');
      const id = flowIdOf(step, 'sign-in');
      assert.deepEqual(await flows.signInView(active, id), {
        kind: 'sign-in-page',
        pending: { flowId: id, appName: 'Code app', redirectUri: REDIRECT, loginHint: null },
      });
      assert.deepEqual(await flows.signInView(active, 'flow_unknown'), { kind: 'sign-in-page' });
      const solo = await start('solo', 'code');
      const soloId = flowIdOf(solo.step, 'consent');
      assert.deepEqual(await flows.signInView(solo.active, soloId), { kind: 'continue', flowId: soloId });
      const signedIn = await flows.signInView(solo.active, undefined);
      assert.ok(signedIn.kind === 'signed-in');
      assert.equal(signedIn.user?.email, 'solo@flow.test');
    });

    test('password sign-in rotates the session and carries the pending flow over', async () => {
      const { active, step } = await start('anonymous', 'code');
      const id = flowIdOf(step, 'sign-in');
      const wrong = await gh.sessions.signInWithPassword(
        active,
        'solo@flow.test',
        'not the password',
        '192.0.2.7',
      );
      assert.equal(wrong.kind, 'invalid');
      const ok = await gh.sessions.signInWithPassword(active, 'solo@flow.test', PASSWORD, '192.0.2.7');
      assert.ok(ok.kind === 'signed-in');
      assert.notEqual(ok.active.session.idHash, active.session.idHash);
      assert.equal(ok.active.session.userId, users.solo);
      assert.equal(await gh.sessions.load(active.token), undefined, 'the old session id is gone');
      assert.equal(flowIdOf(await flows.advance(ok.active, id), 'consent'), id);
    });

    test('prompt=login and max_age: a sign-in older than the flow or than max_age signs in again', async () => {
      const active = await session('solo');
      await new Promise((r) => setTimeout(r, 5));
      const startWith = async (extra: Record<string, string>) => {
        const v = await validated('code', extra);
        return flows.start(v.app, v.request, active);
      };
      const id = flowIdOf(await startWith({ prompt: 'login' }), 'sign-in');
      assert.equal((await flows.signInView(active, id)).kind, 'sign-in-page', 'the form, not "continue"');
      const again = await gh.sessions.signIn(active, users.solo);
      assert.equal(
        flowIdOf(await flows.advance(again, id), 'consent'),
        id,
        'a sign-in during the flow will do',
      );
      flowIdOf(await startWith({ max_age: '0' }), 'sign-in');
      flowIdOf(await startWith({ max_age: '600' }), 'consent');
      const { query } = redirected(await startWith({ max_age: '0', prompt: 'none' }), 'error');
      assert.equal(query.get('error'), 'login_required');
      assert.equal(query.get('error_description'), 'the user must sign in again');
    });

    test('prompt=select_account: the chooser for one company; "use another account" keeps the flow', async () => {
      const { active, step } = await start('solo', 'code', { prompt: 'select_account consent' });
      const id = flowIdOf(step, 'choose-company');
      const view = await flows.companyChoice(active, id);
      assert.ok(view.kind === 'company-page');
      assert.equal(view.signedInAs, 'solo@flow.test');
      const switched = await flows.switchAccount(active, id);
      assert.equal(flowIdOf(switched.step, 'sign-in'), id);
      assert.ok(switched.active);
      assert.equal(switched.active.session.userId, null, 'signed out');
      assert.equal(await gh.sessions.load(active.token), undefined, 'on a fresh session');
      const other = await gh.sessions.signIn(switched.active, users.multi);
      assert.equal(flowIdOf(await flows.advance(other, id), 'choose-company'), id);
      assert.equal(flowIdOf(await flows.chooseCompany(other, id, companies.bistro), 'continue'), id);
      assert.equal(flowIdOf(await flows.advance(other, id), 'consent'), id, 'prompt=consent as well');
    });

    test('prompt=none: a remembered company settles the choice; a plan page is interaction_required', async () => {
      // An app of its own: no grant of it exists yet for any company.
      const fresh = await gh.apps.create(
        {
          companyId: companies.acme,
          name: 'Fresh app',
          type: 'partner',
          scopes: ['users.read'],
          grantTypes: ['authorization_code'],
          redirectUris: [REDIRECT],
          skipConsent: true,
        },
        'test',
      );
      const startFresh = async (extra: Record<string, string> = {}) => {
        const active = await session('multi');
        const params = {
          client_id: fresh.app.clientId,
          response_type: 'code',
          redirect_uri: REDIRECT,
          ...extra,
        };
        const v = await validateAuthorizationRequest(
          () => Params.fromEntries(Object.entries({ scope: 'users.read', state: 'st-1', ...params })),
          gh.oauthContext,
        );
        return { active, step: await flows.start(v.app, v.request, active) };
      };
      const none = { prompt: 'none' };
      const { query } = redirected((await startFresh(none)).step, 'error');
      assert.equal(query.get('error'), 'account_selection_required');
      const { active, step } = await startFresh();
      const id = flowIdOf(step, 'choose-company');
      await flows.chooseCompany(active, id, companies.bistro);
      redirected(await flows.decide(active, id, 'grant'), 'code');
      redirected((await startFresh(none)).step, 'code');
      const strict = new AuthorizationFlows({
        issuer: ISSUER,
        apps: gh.apps,
        authorization: gh.authorization,
        sessions: gh.sessions,
        access: new AccessPolicy(gh.storage, { createApps: ['enterprise'], grantAccess: ['pro'] }),
      });
      const tiny = await session('tiny');
      const v = await validated('code', none);
      const blocked = redirected(await strict.start(v.app, v.request, tiny), 'error');
      assert.equal(blocked.query.get('error'), 'interaction_required');
    });
  });
});
