import { BENCH_SCOPE_PARAM } from '../lib/constants.ts';
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
 * entry, carries the run. Compared with the small-database figure.
 */
export const scaleClientCredentials: HttpScenario = {
  kind: 'http',
  name: 'scale_client_credentials',
  title: 'client_credentials (JWT), 100k apps + 1M grants',
  targets: ['gatehouse-scale'],
  async unsupported(ctx) {
    return grantMissing(ctx, 'client_credentials');
  },
  async prepare(ctx) {
    const clients = ctx.target.info.scaleClients as ClientCredentials[];
    const body = form({ grant_type: 'client_credentials', scope: BENCH_SCOPE_PARAM });
    await post(ctx, tokenPath(ctx), { ...FORM_HEADERS, authorization: basic(clients[0]!) }, body);
    return {
      method: 'POST',
      path: tokenPath(ctx),
      headers: FORM_HEADERS,
      body,
      variants: clients.map((c) => ({ headers: { authorization: basic(c) } })),
    };
  },
};
