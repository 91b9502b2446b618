import type { Storage } from '../../src/storage/storage.ts';
import type { TestDatabase } from '../pg.ts';

// The conformance suite's types, in a module of their own: the suites (suites/*.ts) use them
// and conformance.ts imports the suites, so defining them there made an import cycle.

/** A member of some storage slice: what a conformance test says it covers. */
export type StorageMember = keyof Storage;

/**
 * What the suite may do below the storage interfaces, supplied by the dialect's factory:
 * setup and checks that no storage method offers (and none should). Test-only.
 */
export interface RawAccess {
  /** Ids of every secret row of the app, expired ones included. */
  appSecretIds(appId: string): Promise<string[]>;
  /** Hashes of the family's current (unretired) refresh tokens. */
  currentRefreshTokens(familyId: string): Promise<string[]>;
  /** Writes one column of an app's row directly, as an operator with a SQL prompt could. */
  writeAppColumn(appId: string, column: 'scopes' | 'name', value: string): Promise<void>;
  /** The migrations the database records as applied, by name. */
  appliedMigrations(): Promise<string[]>;
  /**
   * Another node mid-revocation: revokes the family in a transaction of its own that stays
   * open, holding the family, until `commit`. Only where writers run side by side.
   */
  holdFamilyRevocation(familyId: string): Promise<{ commit(): Promise<void> }>;
  /** The same for a grant: its row marked revoked by a transaction that stays open until `commit`. */
  holdGrantRevocation(grantId: string): Promise<{ commit(): Promise<void> }>;
}

/** A storage opened by the target on a database, with its raw access. */
export interface OpenedStorage {
  storage: Storage;
  raw: RawAccess;
}

/** What a dialect must provide to run the suite. */
export interface ConformanceTarget {
  dialect: 'sqlite' | 'postgres';
  /** Makes an empty database. */
  createDatabase(): Promise<TestDatabase>;
  /** Opens storage on a database (not migrated). */
  open(url: string): OpenedStorage;
  /** The implementation's slice classes: every member of each must have a conformance test. */
  slices: Readonly<Record<string, { prototype: object }>>;
  /** Whether two write transactions can interleave (PostgreSQL; SQLite has one writer). */
  concurrentWriters: boolean;
}

/** What a test gets besides the shared, migrated storage. */
export interface TestEnv {
  raw: RawAccess;
  target: ConformanceTarget;
  /**
   * An empty database of the test's own, dropped after the test; each `open` opens a storage
   * on it (not migrated), closed after the test.
   */
  freshDatabase(): Promise<{ open(): OpenedStorage }>;
  /** A fresh database, opened once and migrated. */
  fresh(): Promise<OpenedStorage>;
}

export interface SuiteContext {
  target: ConformanceTarget;
  /**
   * Registers a test of the storage members it `covers`. It fails unless it calls each of
   * them (so the list cannot go stale), and the suite fails unless every member of every
   * slice is covered by some test.
   */
  it(name: string, covers: readonly StorageMember[], fn: (s: Storage, env: TestEnv) => Promise<void>): void;
}
