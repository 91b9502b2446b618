import { DomainError } from '../errors.ts';
import { openSecret, sealSecret } from '../keys/crypto.ts';
import type { IdempotencyScope } from '../storage/idempotency-types.ts';
import type { IdempotencyStore } from '../storage/storage.ts';
import { sha256 } from '../util/hash.ts';
import { randomToken } from '../util/random.ts';
import { canonicalJson } from './canonical-json.ts';

/** How long a key and its answer are kept: the draft's and Stripe's 24 hours. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 3_600_000;
/**
 * How long a request may stay in flight before a retry may take its key over: far beyond
 * any management request, so it only frees the key of a node that died mid-request.
 */
export const IDEMPOTENCY_LEASE_MS = 60_000;

/**
 * 409: the first request with this key is still running. It is not run twice; the client
 * retries once the first has answered (then it gets that answer replayed).
 *
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-httpapi-idempotency-key-header#section-2.7
 */
export class IdempotencyKeyInUse extends DomainError {
  constructor() {
    super(
      'idempotency_key_in_use',
      'a request with this Idempotency-Key is still being processed; retry once it has answered',
      409,
      { 'Retry-After': '1' },
    );
  }
}

/**
 * 422: the key was first used for another request (method, path or body differ).
 *
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-httpapi-idempotency-key-header#section-2.7
 */
export class IdempotencyKeyReused extends DomainError {
  constructor() {
    super(
      'idempotency_key_reused',
      'this Idempotency-Key was already used for a different request (method, path or body); ' +
        'send a new key for a new request',
      422,
    );
  }
}

/** One request under a key, as the HTTP layer sees it. */
export interface IdempotentCall {
  companyId: string;
  /** The audit actor: keys are scoped to the caller, never shared between callers. */
  caller: string;
  key: string;
  method: string;
  path: string;
  /** The validated body (defaults applied), compared in canonical form. */
  body: unknown;
}

/** An answer as sent, to keep or to replay. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Held by the request that runs: only its holder may keep the answer or free the key. */
export interface Ticket {
  scope: IdempotencyScope;
  leaseId: string;
}

export type Begun = { run: Ticket } | { replay: Answer };

/**
 * Whether an answer is kept for replays. Like Stripe: every answer the operation gave, errors
 * included, but not 409 or 429 (a conflict or a limit that a retry may find gone) nor 5xx
 * (the operation failed; its transaction rolled back, so running it again is safe).
 */
export const keepsAnswer = (status: number) => status < 500 && status !== 409 && status !== 429;

/**
 * The Idempotency-Key of the management API's POSTs: the first request with a key runs and
 * its answer is kept (sealed, for 24 hours); a retry with the same key and request gets that
 * answer again; the same key with another request is refused (422); a retry while the first
 * is still running is refused (409) rather than run twice.
 *
 * @see https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/
 */
export class IdempotencyService {
  private readonly now: () => Date;

  constructor(
    private readonly storage: IdempotencyStore,
    private readonly opts: { encryptionKey: Uint8Array; now?: () => Date },
  ) {
    this.now = opts.now ?? (() => new Date());
  }

  /** Claims the key, or answers from what it holds. Throws IdempotencyKeyInUse or ...Reused. */
  async begin(call: IdempotentCall): Promise<Begun> {
    const scope: IdempotencyScope = {
      companyId: call.companyId,
      caller: call.caller,
      keyHash: sha256(call.key),
    };
    const fingerprint = sha256(canonicalJson([call.method, call.path, call.body]));
    const leaseId = randomToken(16);
    const now = this.now();
    const begun = await this.storage.beginIdempotentRequest(
      {
        ...scope,
        fingerprint,
        leaseId,
        leaseUntil: new Date(now.getTime() + IDEMPOTENCY_LEASE_MS),
        expiresAt: new Date(now.getTime() + IDEMPOTENCY_KEY_TTL_MS),
      },
      now,
    );
    if (begun.outcome === 'started') return { run: { scope, leaseId } };
    const { record } = begun;
    // A different request is refused even while the first is in flight: it is a client bug.
    if (record.fingerprint !== fingerprint) throw new IdempotencyKeyReused();
    if (record.status === null || record.response === null) throw new IdempotencyKeyInUse();
    return { replay: { status: record.status, ...(await this.open(record.response, scope)) } };
  }

  /** Keeps the answer for replays, or frees the key when the answer is not one to keep. */
  async finish(ticket: Ticket, answer: Answer): Promise<void> {
    if (!keepsAnswer(answer.status)) return this.release(ticket);
    const sealed = await sealSecret(
      JSON.stringify({ bound: binding(ticket.scope), headers: answer.headers, body: answer.body }),
      this.opts.encryptionKey,
    );
    await this.storage.completeIdempotentRequest(ticket.scope, ticket.leaseId, {
      status: answer.status,
      response: sealed,
    });
  }

  /** Frees the key without keeping an answer: the next request with it runs. */
  async release(ticket: Ticket): Promise<void> {
    await this.storage.releaseIdempotentRequest(ticket.scope, ticket.leaseId);
  }

  private async open(sealed: string, scope: IdempotencyScope): Promise<Omit<Answer, 'status'>> {
    const kept = JSON.parse(await openSecret(sealed, this.opts.encryptionKey)) as {
      bound: string;
      headers: Record<string, string>;
      body: string;
    };
    // Sealed with the key it answers: a row copied onto another caller's key opens to nothing.
    if (kept.bound !== binding(scope)) throw new Error('a kept idempotent answer is bound to another key');
    return { headers: kept.headers, body: kept.body };
  }
}

const binding = (s: IdempotencyScope) => sha256(canonicalJson([s.companyId, s.caller, s.keyHash]));
