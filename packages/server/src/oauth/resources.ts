import type { ApiResource } from '@gatehouse/scopes';
import { InvalidTarget } from './errors.ts';

/** A token narrowed to one resource: its audience and the scopes of it the token carries. */
export interface Narrowed {
  audience: string;
  scopes: string[];
}

const belongsTo = (resource: ApiResource, scope: string) =>
  resource.scopes.some((s) => scope === s || scope.startsWith(`${s}:`));

/**
 * Resource indicators (RFC 8707) over the resources of the scope catalog. A resource is
 * permitted to an app when the app holds at least one of the resource's scopes; a token
 * narrowed to it has the resource's URI as its only `aud` and keeps only the scopes that
 * belong to it. Without `resource` nothing changes: the server's default audience
 * (GATEHOUSE_AUDIENCE) and every scope granted.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2
 */
export class ResourceIndicators {
  private readonly byUri: Map<string, ApiResource>;

  constructor(resources: readonly ApiResource[] = []) {
    this.byUri = new Map(resources.map((r) => [r.uri, r]));
  }

  /** Every resource's URI: the audiences this server issues tokens for, besides its default. */
  get uris(): string[] {
    return [...this.byUri.keys()];
  }

  /**
   * Checks the `resource` values of a request against the catalog and the app's scopes:
   * each must be an absolute URI without fragment, a registered resource, and permitted to
   * the app. Returns the resources.
   */
  check(values: readonly string[], appScopes: readonly string[]): ApiResource[] {
    return values.map((uri) => {
      const shown = uri.slice(0, 200);
      if (!URL.canParse(uri) || uri.includes('#'))
        throw new InvalidTarget(`resource "${shown}" is not an absolute URI without a fragment`);
      const resource = this.byUri.get(uri);
      if (!resource) throw new InvalidTarget(`resource "${shown}" is not a registered resource`);
      if (!appScopes.some((s) => belongsTo(resource, s)))
        throw new InvalidTarget(`this app may not use resource "${shown}": it holds none of its scopes`);
      return resource;
    });
  }

  /**
   * A token request's `resource` (one, at the token endpoint): the audience and the scopes of
   * `scopes` that belong to it, or undefined without `resource` (the default audience).
   */
  narrow(
    values: readonly string[],
    scopes: readonly string[],
    appScopes: readonly string[],
  ): Narrowed | undefined {
    if (values.length === 0) return undefined;
    if (values.length > 1)
      throw new InvalidTarget('name one resource per token request: each token is for one audience');
    const [resource] = this.check(values, appScopes) as [ApiResource];
    const kept = scopes.filter((s) => belongsTo(resource, s));
    if (kept.length === 0)
      throw new InvalidTarget(`none of the requested scopes belong to resource "${resource.uri}"`);
    return { audience: resource.uri, scopes: kept };
  }
}
