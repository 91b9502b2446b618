import { AppService } from '../../apps/app-service.ts';
import { InvalidClient } from '../errors.ts';
import type { ClientAuthMethod } from './method.ts';

const FAILED = 'client authentication failed: unknown client or wrong secret';

/** Undoes the application/x-www-form-urlencoded encoding RFC 6749 2.3.1 applies inside Basic. */
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/**
 * HTTP Basic with the client id as user name and the secret as password, each
 * form-urlencoded first (RFC 6749 2.3.1). Secrets Gatehouse issues need no encoding,
 * so `curl --user ID:SECRET` works as the seed guides show.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export const clientSecretBasic: ClientAuthMethod = {
  name: 'client_secret_basic',

  present(req) {
    return req.authorization !== undefined && /^basic(\s|$)/i.test(req.authorization);
  },

  async authenticate(req, ctx) {
    const fail = (d = FAILED) => new InvalidClient(d, { basicAttempted: true });
    const m = /^basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(req.authorization ?? '');
    if (!m?.[1]) throw fail('the Authorization header is not valid Basic credentials');
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 1) throw fail('Basic credentials must be client_id:client_secret');
    let clientId: string;
    let secret: string;
    try {
      clientId = formDecode(decoded.slice(0, colon));
      secret = formDecode(decoded.slice(colon + 1));
    } catch {
      throw fail('Basic credentials are not validly form-urlencoded');
    }
    const bodyClientId = req.params.get('client_id');
    if (bodyClientId !== undefined && bodyClientId !== clientId)
      throw fail('client_id in the body differs from the one in the Authorization header');
    const app = await ctx.apps.findByClientId(clientId);
    if (app?.clientType !== 'confidential' || !AppService.secretMatches(app, secret)) throw fail();
    return { app, method: 'client_secret_basic' };
  },
};
