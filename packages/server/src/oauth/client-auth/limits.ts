import { basicCredentialsOf, type WithBasicCredentials } from './basic-credentials.ts';

/**
 * The brakes around client authentication at the token, revocation and introspection
 * endpoints. Held in memory they answer synchronously; shared through Redis (REDIS_URL) they
 * answer with a promise, so the caller awaits only when it is given one.
 * The HTTP layer supplies them with the request (`limits`, `address`); the
 * protocol core calls them in this order: `attempt` before any secret is hashed or compared,
 * then the attempt's `settle` with the outcome, then `authenticated` for the client's own allowance.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1 (brute force protection)
 */
export interface ClientAuthLimits {
  /**
   * Takes one attempt from the failure budgets of (client_id, address) and of the address;
   * throws TooManyRequestsError (429, Retry-After) when either is spent. Taken before the
   * work, so parallel guesses cannot all pass a check made before any of them failed.
   */
  attempt(clientId: string | undefined, address: string): ClientAuthAttempt | Promise<ClientAuthAttempt>;
  /**
   * The authenticated client's request allowance: counted only once the client has proved
   * who it is, so nobody else can spend it. Throws TooManyRequestsError when it is spent.
   */
  authenticated(clientId: string): void | Promise<void>;
}

/** An attempt taken from the failure budgets, to be settled once the outcome is known. */
export interface ClientAuthAttempt {
  /** Gives the attempt back unless the credentials were wrong (`failed`). */
  settle(failed: boolean): void;
}

/**
 * The client_id a request names, before authentication, as the failure budgets key it: the
 * Basic user name when the header decodes, else the body's `client_id`, cut to 200
 * characters either way (a key, not an identity: it bounds what a stranger can make us hold).
 */
export function namedClientId(req: WithBasicCredentials): string | undefined {
  const basic = basicCredentialsOf(req);
  return (basic?.ok ? basic.clientId : req.params.get('client_id'))?.slice(0, 200);
}
