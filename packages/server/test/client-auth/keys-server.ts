import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import type { JWK } from 'jose';
import * as client from 'openid-client';
import type { Config } from '../../src/config/index.ts';
import { FORM, type TestServer, testServer } from '../helpers.ts';

async function freePort(): Promise<number> {
  const s = createTcpServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** A test Gatehouse listening on 127.0.0.1, its issuer that address, for third-party clients. */
export async function listeningServer(
  config: Partial<Config> = {},
): Promise<TestServer & { issuer: string }> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const t = await testServer({ config: { issuer, ...config } });
  await t.http.listen({ host: '127.0.0.1', port });
  return { ...t, issuer };
}

/** openid-client configured by discovery against `t`, with the given client authentication. */
export function discover(
  t: { issuer: string },
  clientId: string,
  auth: client.ClientAuth,
  metadata: Partial<client.ClientMetadata> = {},
): Promise<client.Configuration> {
  return client.discovery(new URL(t.issuer), clientId, metadata, auth, {
    execute: [client.allowInsecureRequests],
  });
}

/** A JWKS served from 127.0.0.1, as an app's jwks_uri; `keys` may be changed while it runs. */
export class JwksServer {
  keys: JWK[] = [];
  requests = 0;
  private constructor(private readonly server: Server) {}

  static async start(keys: JWK[]): Promise<JwksServer> {
    let self: JwksServer | undefined;
    const server = createServer((_req, res) => {
      if (!self) return;
      self.requests++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: self.keys }));
    });
    self = new JwksServer(server);
    self.keys = keys;
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return self;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/jwks.json`;
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

/** POSTs a form to `path` of the listening server (raw, to send what no client library would). */
export async function postForm(t: { issuer: string }, path: string, form: Record<string, string>) {
  const res = await fetch(`${t.issuer}${path}`, {
    method: 'POST',
    headers: FORM,
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
