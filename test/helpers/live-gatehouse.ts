import { createServer } from 'node:net';
import type { AppInput } from '../../packages/server/src/apps/validation.ts';
import type { Config } from '../../packages/server/src/config/index.ts';
import { basic, FORM, type TestServer, testServer } from '../../packages/server/test/helpers.ts';

/** A port that was free a moment ago (the issuer URL must be known before listening). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A client_credentials token from the token endpoint of the Gatehouse at `url`, over HTTP with
 * Basic client authentication; throws unless the endpoint answers 200 with a token.
 */
export async function clientCredentialsToken(
  url: string,
  app: { clientId: string; clientSecret: string },
  scope?: string,
): Promise<string> {
  const body = new URLSearchParams({ grant_type: 'client_credentials' });
  if (scope !== undefined) body.set('scope', scope);
  const res = await fetch(`${url}/oauth2/token`, {
    method: 'POST',
    headers: { ...FORM, authorization: basic(app.clientId, app.clientSecret) },
    body,
  });
  const json = (await res.json()) as { access_token?: string };
  if (res.status !== 200 || !json.access_token) throw new Error(`token request failed: ${res.status}`);
  return json.access_token;
}

/**
 * A second Gatehouse node, listening on a free port with its issuer equal to its URL, on the
 * storage of `first`, that lets the client `introspector` call /oauth2/introspect. The apps are
 * made on `first`: the introspector's app must exist before the node that lists it starts.
 */
export async function introspectingNode(
  first: TestServer,
  introspector: string,
): Promise<{ gh: TestServer; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const gh = await testServer({
    storage: first.gh.storage,
    config: { issuer: url, port, host: '127.0.0.1', introspectionClients: [introspector] },
  });
  await gh.http.listen({ host: '127.0.0.1', port });
  return { gh, url };
}

export interface LiveGatehouse {
  ts: TestServer;
  /** http://127.0.0.1:<port>, also the issuer. */
  url: string;
  issuer: string;
  audience: string;
  jwksUri: string;
  /** Creates an app in the test company and returns its credentials. */
  createApp: TestServer['createApp'];
  /** A token from the real token endpoint over HTTP, with Basic client authentication. */
  token(app: { clientId: string; clientSecret: string }, scope?: string): Promise<string>;
  close(): Promise<void>;
}

/** A Gatehouse from testServer() (with `config`) listening on 127.0.0.1, its issuer equal to its URL. */
export async function liveGatehouse(config: Partial<Config> = {}): Promise<LiveGatehouse> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const ts = await testServer({ config: { ...config, issuer: url, port, host: '127.0.0.1' } });
  await ts.http.listen({ host: '127.0.0.1', port });
  return {
    ts,
    url,
    issuer: url,
    audience: ts.config.audience,
    jwksUri: `${url}/.well-known/jwks.json`,
    createApp: (input?: Partial<AppInput>) => ts.createApp(input),
    token: (app, scope) => clientCredentialsToken(url, app, scope),
    close: () => ts.close(),
  };
}
