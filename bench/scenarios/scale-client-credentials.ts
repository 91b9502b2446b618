import { decodeProtectedHeader } from 'jose';
import { BENCH_SCOPE_PARAM } from '../lib/constants.ts';
import { runLoad } from '../lib/load.ts';
import type { HttpScenario } from '../lib/types.ts';
import {
  basic,
  type ClientCredentials,
  FORM_HEADERS,
  form,
  grantMissing,
  post,
  tokenPath,
} from './helpers.ts';

/**
 * client_credentials on a database of 100,000 apps and 1,000,000 grants (bench/seed-scale.ts),
 * the load spread round robin over 10,000 of those apps, so the app cache, not one hot
 * entry, carries the run. Compared with the small-database figure, whose one app is served
 * once before its clock: here each of the 10,000 is, so both rows measure the steady state
 * (a warm-up of a few seconds would otherwise end before every app had been loaded once,
 * and the measured run would count part of the cold start).
 */
export const scaleClientCredentials: HttpScenario = {
  kind: 'http',
  name: 'scale_client_credentials',
  title: 'client_credentials (JWT), 100k apps + 1M grants',
  targets: ['gatehouse-scale'],
  // The small-database figure it is judged against, measured in the same rounds.
  baseline: { scenario: 'client_credentials_jwt', target: 'gatehouse' },
  async unsupported(ctx) {
    return grantMissing(ctx, 'client_credentials');
  },
  async prepare(ctx) {
    const clients = ctx.target.info.scaleClients as ClientCredentials[];
    const body = form({ grant_type: 'client_credentials', scope: BENCH_SCOPE_PARAM });
    const first = await post(
      ctx,
      tokenPath(ctx),
      { ...FORM_HEADERS, authorization: basic(clients[0]!) },
      body,
    );
    const alg = decodeProtectedHeader(String(first.access_token)).alg;
    if (alg !== 'ES256') throw new Error(`${ctx.target.name} signed with ${alg}, not ES256`);
    const spec = {
      method: 'POST' as const,
      path: tokenPath(ctx),
      headers: FORM_HEADERS,
      body,
      variants: clients.map((c) => ({ headers: { authorization: basic(c) } })),
    };
    // Every app once (autocannon with a fixed amount sends each variant exactly once).
    const primed = await runLoad({
      url: ctx.target.url,
      spec,
      connections: ctx.options.connections,
      duration: 0,
      amount: clients.length,
    });
    if (primed.errors > 0) throw new Error(`${primed.errors} of ${clients.length} priming requests failed`);
    return spec;
  },
};
