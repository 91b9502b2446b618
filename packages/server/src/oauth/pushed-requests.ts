/** RFC 9126 2.2: the request_uri prefix; the rest is a random reference, never the request. */
export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';
/** How long a pushed request may be used (RFC 9126 2.2 suggests 5 to 600 seconds). */
export const PUSHED_REQUEST_TTL_S = 60;

/** Where pushed authorization requests are kept between the PAR endpoint and /oauth2/authorize. */
export interface PushedRequests {
  /** Keeps `params` for `clientId` for PUSHED_REQUEST_TTL_S; answers the request_uri to use. */
  push(clientId: string, params: Record<string, string>): Promise<string>;
  /** The pushed parameters, once: undefined when unknown, expired, used, or another client's. */
  consume(requestUri: string, clientId: string): Promise<Record<string, string> | undefined>;
}
