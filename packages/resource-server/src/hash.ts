/** What a revocation feed entry names (see Gatehouse's tokens/revocation-keys.ts). */
export type RevocationKind = 'client' | 'grant' | 'guid' | 'jti' | 'family';

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The part of node:crypto used here, typed locally so the package needs no Node typings. */
interface NodeCrypto {
  /** One-shot digest (Node >= 20.12): no Hash object per call. */
  hash?: (algorithm: 'sha256', data: string, outputEncoding: 'base64url') => string;
  createHash(algorithm: 'sha256'): {
    update(data: string, encoding: 'utf8'): { digest(encoding: 'base64url'): string };
  };
}

/**
 * Node's (and Bun's, Deno's, workerd's with nodejs_compat) synchronous SHA-256, found without
 * a static `node:` import so the package still loads where there is none.
 */
const nodeCrypto = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;

/**
 * SHA-256 of `input` as base64url, synchronously, or undefined where only Web Crypto (whose
 * digest is asynchronous) is available. In Node, Web Crypto's digest is a thread-pool job
 * per call, which costs more than the hash itself.
 *
 * @internal exported for the tests
 */
export const sha256Sync: ((input: string) => string) | undefined = sha256Of(nodeCrypto);

function sha256Of(node: NodeCrypto | undefined): ((input: string) => string) | undefined {
  if (node === undefined) return undefined;
  const oneShot = node.hash;
  if (typeof oneShot === 'function') return (input) => oneShot('sha256', input, 'base64url');
  return (input) => node.createHash('sha256').update(input, 'utf8').digest('base64url');
}

/** The same digest through Web Crypto. @internal exported for the tests */
export async function sha256WebCrypto(input: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(input))));
}

/**
 * The feed's key for a value: base64url SHA-256 of `kind:value`, the same as the server
 * writes, so the feed never carries a client_id, grant id or GUID in the clear. Synchronous
 * node:crypto where the runtime has it, Web Crypto otherwise, so it runs unchanged in Node,
 * workers and edge runtimes.
 */
export async function revocationHash(kind: RevocationKind, value: string): Promise<string> {
  const input = `${kind}:${value}`;
  return sha256Sync ? sha256Sync(input) : sha256WebCrypto(input);
}

/** The ids of a token the feed can name. */
export interface RevocableIds {
  client_id: string;
  jti: string;
  gid?: string;
  fid?: string;
}

/**
 * Feed hashes of everything that can revoke a token: its app (`client`), its `jti`, and when
 * present its grant (`gid`) and refresh-token family (`fid`). Synchronous where the runtime
 * has node:crypto, so the request path awaits nothing.
 */
export function tokenRevocationHashes(ids: RevocableIds): string[] | Promise<string[]> {
  if (!sha256Sync) {
    const out = [revocationHash('client', ids.client_id), revocationHash('jti', ids.jti)];
    if (ids.gid !== undefined) out.push(revocationHash('grant', ids.gid));
    if (ids.fid !== undefined) out.push(revocationHash('family', ids.fid));
    return Promise.all(out);
  }
  const out = [sharedHash(sha256Sync, `client:${ids.client_id}`), sha256Sync(`jti:${ids.jti}`)];
  if (ids.gid !== undefined) out.push(sharedHash(sha256Sync, `grant:${ids.gid}`));
  if (ids.fid !== undefined) out.push(sharedHash(sha256Sync, `family:${ids.fid}`));
  return out;
}

/** Ids many tokens share (app, grant, family) hash to the same key every time: remember some. */
const shared = new Map<string, string>();
const SHARED_MAX = 4096;

function sharedHash(sha256: (input: string) => string, input: string): string {
  let hash = shared.get(input);
  if (hash === undefined) {
    if (shared.size >= SHARED_MAX) shared.clear();
    hash = sha256(input);
    shared.set(input, hash);
  }
  return hash;
}
