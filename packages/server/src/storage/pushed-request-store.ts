/** A pushed authorization request (RFC 9126) as stored: its parameters, bound to a client. */
export interface PushedRequest {
  /** SHA-256 (base64url) of the `request_uri`; the URI itself is never stored. */
  requestUriHash: string;
  clientId: string;
  params: Record<string, string>;
  expiresAt: Date;
}

/** Pushed authorization requests: saved by the PAR endpoint, used once by /oauth2/authorize. */
export interface PushedRequestStore {
  savePushedRequest(request: PushedRequest): Promise<void>;
  /**
   * Atomic: deletes and returns the request when it is `clientId`'s and unexpired at `now`;
   * undefined otherwise (unknown, used, expired or another client's). Of concurrent callers,
   * exactly one gets it.
   */
  consumePushedRequest(
    requestUriHash: string,
    clientId: string,
    now?: Date,
  ): Promise<PushedRequest | undefined>;
}
