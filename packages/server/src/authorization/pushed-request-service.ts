import { PUSHED_REQUEST_TTL_S, type PushedRequests, REQUEST_URI_PREFIX } from '../oauth/pushed-requests.ts';
import type { PushedRequestStore } from '../storage/storage.ts';
import { sha256 } from '../util/hash.ts';
import { randomToken } from '../util/random.ts';

/**
 * Pushed authorization requests in the database: only the SHA-256 of each request_uri is kept
 * (as for codes), bound to the client, used once, for 60 s; housekeeping prunes the rest.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9126
 */
export class PushedRequestService implements PushedRequests {
  constructor(private readonly storage: PushedRequestStore) {}

  async push(clientId: string, params: Record<string, string>): Promise<string> {
    const requestUri = `${REQUEST_URI_PREFIX}${randomToken(32)}`;
    await this.storage.savePushedRequest({
      requestUriHash: sha256(requestUri),
      clientId,
      params,
      expiresAt: new Date(Date.now() + PUSHED_REQUEST_TTL_S * 1000),
    });
    return requestUri;
  }

  async consume(requestUri: string, clientId: string): Promise<Record<string, string> | undefined> {
    if (!requestUri.startsWith(REQUEST_URI_PREFIX) || requestUri.length > 200) return undefined;
    return (await this.storage.consumePushedRequest(sha256(requestUri), clientId))?.params;
  }
}
