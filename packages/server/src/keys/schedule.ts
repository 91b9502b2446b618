import { MAX_TOKEN_TTL } from '../apps/validation.ts';
import type { SigningAlg, SigningKey } from '../storage/types.ts';

/**
 * When signing keys rotate. `intervalMs` is how long a key signs before the next one takes
 * over (0: no scheduled rotation; pending keys made by `gatehouse keys rotate` still switch,
 * and retired keys are still removed); `prepublishMs` is how long the next key is published
 * in the JWKS before it signs, longer than any resource server caches the JWKS.
 */
export interface KeyRotationConfig {
  intervalMs: number;
  prepublishMs: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Rotation every 30 days, each next key published 24 hours before it signs. */
export const DEFAULT_KEY_ROTATION: KeyRotationConfig = {
  intervalMs: 30 * DAY_MS,
  prepublishMs: 24 * HOUR_MS,
};

/** Clock difference tolerated between Gatehouse and the resource servers verifying its tokens. */
export const KEY_RETIREMENT_SKEW_MS = 5 * 60_000;

/**
 * How long a retired key stays published: the longest lifetime a token it signed may have
 * (an app's access tokens, at most MAX_TOKEN_TTL; ID tokens live 5 minutes) plus the skew.
 */
export const RETIRED_KEY_PUBLISH_MS = MAX_TOKEN_TTL * 1000 + KEY_RETIREMENT_SKEW_MS;

/**
 * Reads `GATEHOUSE_KEY_ROTATION_DAYS` (whole days, 0 turns the schedule off, default 30)
 * and `GATEHOUSE_KEY_PREPUBLISH_HOURS` (whole hours, at least 1, default 24, shorter than
 * the rotation period). Throws a message naming the variable on anything else.
 */
export function parseKeyRotation(env: NodeJS.ProcessEnv): KeyRotationConfig {
  const days = wholeNumber(
    'GATEHOUSE_KEY_ROTATION_DAYS',
    env.GATEHOUSE_KEY_ROTATION_DAYS,
    DEFAULT_KEY_ROTATION.intervalMs / DAY_MS,
    0,
    3650,
    'whole days from 0 (off) to 3650',
  );
  const hours = wholeNumber(
    'GATEHOUSE_KEY_PREPUBLISH_HOURS',
    env.GATEHOUSE_KEY_PREPUBLISH_HOURS,
    DEFAULT_KEY_ROTATION.prepublishMs / HOUR_MS,
    1,
    8760,
    'whole hours from 1 to 8760',
  );
  if (days > 0 && hours >= days * 24)
    throw new Error(
      `GATEHOUSE_KEY_PREPUBLISH_HOURS (${hours}) must be shorter than the rotation period GATEHOUSE_KEY_ROTATION_DAYS (${days} days = ${days * 24} hours)`,
    );
  return { intervalMs: days * DAY_MS, prepublishMs: hours * HOUR_MS };
}

function wholeNumber(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
  what: string,
): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value.trim());
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be ${what}, got "${value}"`);
  return n;
}

/** One thing the rotation has to do now. */
export type RotationStep =
  | { step: 'prepublish'; alg: SigningAlg; activatesAt: Date }
  | { step: 'activate'; alg: SigningAlg; kid: string }
  | { step: 'remove'; alg: SigningAlg; kid: string; retiredBy: Date };

type KeyState = Pick<SigningKey, 'kid' | 'alg' | 'status' | 'createdAt' | 'activatesAt' | 'retiredAt'>;

/**
 * What to do at `now`, given every stored key, for every algorithm: remove retired keys
 * whose tokens have all expired; make a pending key whose time has come the signing key;
 * pre-publish the next key once the active one has `prepublishMs` left to sign (never
 * cutting the pre-publication short: a late node gives the next key its full period).
 */
export function rotationSteps(
  keys: readonly KeyState[],
  now: number,
  config: KeyRotationConfig,
  retentionMs = RETIRED_KEY_PUBLISH_MS,
): RotationStep[] {
  const steps: RotationStep[] = [];
  const retiredBy = new Date(now - retentionMs);
  for (const k of keys)
    if (k.status === 'retired' && (k.retiredAt?.getTime() ?? 0) <= retiredBy.getTime())
      steps.push({ step: 'remove', alg: k.alg, kid: k.kid, retiredBy });
  for (const alg of new Set(keys.map((k) => k.alg))) {
    const next = keys.find((k) => k.alg === alg && k.status === 'next');
    if (next) {
      if ((next.activatesAt?.getTime() ?? 0) <= now) steps.push({ step: 'activate', alg, kid: next.kid });
      continue;
    }
    if (config.intervalMs <= 0) continue;
    const active = keys.filter((k) => k.alg === alg && k.status === 'active');
    if (active.length === 0) continue;
    const since = Math.max(...active.map((k) => (k.activatesAt ?? k.createdAt).getTime()));
    const due = since + config.intervalMs;
    if (due - config.prepublishMs <= now)
      steps.push({
        step: 'prepublish',
        alg,
        activatesAt: new Date(Math.max(due, now + config.prepublishMs)),
      });
  }
  return steps;
}
