import type { PushedRequest, PushedRequestStore } from '../pushed-request-store.ts';
import type { SqlContext } from './context.ts';

/** Consumed with one DELETE ... RETURNING (SQLite 3.35+ and PostgreSQL): atomic on its own. */
export class SqlPushedRequestStore implements PushedRequestStore {
  constructor(private readonly ctx: SqlContext) {}

  async savePushedRequest(r: PushedRequest): Promise<void> {
    await this.ctx.db
      .insertInto('pushed_authorization_requests')
      .values({
        request_uri_hash: r.requestUriHash,
        client_id: r.clientId,
        params: JSON.stringify(r.params),
        expires_at: r.expiresAt.getTime(),
      })
      .execute();
  }

  async consumePushedRequest(
    requestUriHash: string,
    clientId: string,
    now = new Date(),
  ): Promise<PushedRequest | undefined> {
    const row = await this.ctx.db
      .deleteFrom('pushed_authorization_requests')
      .where('request_uri_hash', '=', requestUriHash)
      .where('client_id', '=', clientId)
      .where('expires_at', '>', now.getTime())
      .returningAll()
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      requestUriHash: row.request_uri_hash,
      clientId: row.client_id,
      params: JSON.parse(row.params) as Record<string, string>,
      expiresAt: new Date(Number(row.expires_at)),
    };
  }
}
