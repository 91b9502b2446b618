import type { Logger } from 'pino';
import type { SigningKeyStore } from '../storage/storage.ts';
import { newId } from '../util/random.ts';
import type { KeyStore } from './key-store.ts';
import { type KeyRotationConfig, type RotationStep, rotationSteps } from './schedule.ts';

/** How often each node looks at the schedule. A step is due at most this late. */
export const KEY_ROTATION_CHECK_MS = 60_000;

export interface KeyRotationOptions {
  config: KeyRotationConfig;
  /** The clock the schedule is read on (ms); Date.now unless given (tests move it). */
  clock?: () => number;
  checkMs?: number;
  log?: Logger;
}

/**
 * Carries out the key schedule (keys/schedule.ts) on a timer, never on a request path. Every
 * node runs one; a database lease lets exactly one of them act at a time, and each step is
 * itself atomic in storage, so a lease that ran out mid-step still cannot make two nodes
 * switch a key twice or publish two pending keys. The others learn of each change through
 * the invalidation feed (`keys`) and reload their keys from it.
 */
export class KeyRotation {
  /** This node's name on the lease. */
  readonly holder = newId('node');
  private readonly clock: () => number;
  private readonly checkMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<RotationStep[] | undefined> | undefined;

  constructor(
    private readonly storage: Pick<SigningKeyStore, 'claimKeyRotationLease' | 'listSigningKeys'>,
    private readonly keys: KeyStore,
    private readonly opts: KeyRotationOptions,
  ) {
    this.clock = opts.clock ?? Date.now;
    this.checkMs = opts.checkMs ?? KEY_ROTATION_CHECK_MS;
  }

  start(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.checkMs).unref();
  }

  /**
   * One look at the schedule now: the steps this node carried out, or undefined when another
   * node holds the lease (or the pass failed: logged, and the next pass tries again).
   */
  tick(): Promise<RotationStep[] | undefined> {
    this.running ??= this.pass()
      .catch((err: unknown) => {
        this.opts.log?.warn({ err }, 'key rotation pass failed');
        return undefined;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async pass(): Promise<RotationStep[] | undefined> {
    const now = this.clock();
    // Held for two checks, so the holder renews it before anyone else may take it over.
    if (!(await this.storage.claimKeyRotationLease(this.holder, new Date(now), 2 * this.checkMs)))
      return undefined;
    const steps = rotationSteps(await this.storage.listSigningKeys(), now, this.opts.config);
    const done: RotationStep[] = [];
    for (const s of steps) if (await this.perform(s)) done.push(s);
    return done;
  }

  private async perform(s: RotationStep): Promise<boolean> {
    const log = this.opts.log;
    if (s.step === 'prepublish') {
      const r = await this.keys.prepublish(s.alg, s.activatesAt);
      if (r.created)
        log?.info({ alg: s.alg, kid: r.kid, activatesAt: s.activatesAt }, 'signing key pre-published');
      return r.created;
    }
    if (s.step === 'activate') {
      const retired = await this.keys.activate(s.kid);
      if (retired) log?.info({ alg: s.alg, kid: s.kid, retired }, 'signing key activated');
      return retired !== undefined;
    }
    const removed = await this.keys.remove(s.kid, s.retiredBy);
    if (removed) log?.info({ alg: s.alg, kid: s.kid }, 'retired signing key removed from the JWKS');
    return removed;
  }
}
