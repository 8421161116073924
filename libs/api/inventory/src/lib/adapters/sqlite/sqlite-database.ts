import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  isLockedOut,
  lockClockMs,
  SQLITE_BUSY_TIMEOUT_MS,
  SQLITE_LOCK_WAIT_MS,
  SQLITE_OPEN_BUSY_TIMEOUT_MS,
  SqliteLockGate,
  sqliteLocked,
} from './sqlite-lock-wait';
import { migrate } from './sqlite-schema';

export interface SqliteStoreOptions {
  path: string;
  /**
   * FULL: a confirmed order survives power loss (one fsync per commit). NORMAL: survives a process
   * crash but may lose the last commits on power loss. Group commit keeps FULL affordable.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /** How long one statement blocks the event loop waiting for a lock (`SQLITE_BUSY_TIMEOUT_MS`). */
  busyTimeoutMs?: number;
  /** How long a write waits, from a timer, for another connection's lock (`SQLITE_LOCK_WAIT_MS`). */
  lockWaitMs?: number;
  /** How long an idempotency key is remembered (default 24 h). */
  idempotencyTtlMs?: number;
}

/** The one connection every SQLite port of a process shares: opened, tuned and migrated once. */
export class SqliteDatabase {
  readonly lockWaitMs: number;
  /** Writes waiting for another connection's lock, in the order they came (the batcher's too). */
  readonly lockGate = new SqliteLockGate();
  private connection?: Database.Database;

  constructor(readonly options: SqliteStoreOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.lockWaitMs = options.lockWaitMs ?? SQLITE_LOCK_WAIT_MS;
    const db = new Database(options.path, { timeout: SQLITE_OPEN_BUSY_TIMEOUT_MS });
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    db.pragma('foreign_keys = ON');
    migrate(db);
    // From here on the process serves requests: never block the loop for long on a lock.
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? SQLITE_BUSY_TIMEOUT_MS}`);
    this.connection = db;
  }

  get db(): Database.Database {
    if (!this.connection) throw new Error('SQLite store is not open');
    return this.connection;
  }

  get isOpen(): boolean {
    return this.connection !== undefined;
  }

  /**
   * Runs a read. In WAL mode a writer never blocks a reader, but SQLite may still say BUSY (a
   * connection in exclusive locking mode, a WAL recovery): that is a 503, not a 500 and not a wait.
   */
  read<T>(query: () => T): T {
    try {
      return query();
    } catch (error) {
      if (isLockedOut(error, this.db)) throw sqliteLocked(error);
      throw error;
    }
  }

  /**
   * Runs `change` in one IMMEDIATE transaction now or, while another connection holds the lock,
   * from `lockGate` until `lockWaitMs` have passed; then rejects with
   * `DependencyUnavailable('sqlite', false)`. Any other error rejects at once, as it is.
   */
  write<T>(change: () => T): Promise<T> {
    const transaction = this.db.transaction(change);
    const deadlineAtMs = lockClockMs() + this.lockWaitMs;
    return new Promise<T>((resolve, reject) => {
      this.lockGate.run({
        attempt: () => {
          if (!this.isOpen) return void reject(sqliteLocked(undefined, 'SQLite store is closed'));
          try {
            resolve(transaction.immediate());
          } catch (error) {
            if (isLockedOut(error, this.db)) return error;
            reject(error);
          }
          return undefined;
        },
        expire: (nowMs, lockError) => {
          if (nowMs < deadlineAtMs) return deadlineAtMs;
          reject(sqliteLocked(lockError));
          return undefined;
        },
        abandon: () => reject(sqliteLocked(undefined, 'SQLite store closed while waiting for a lock')),
      });
    });
  }

  ping(): void {
    this.db.prepare('SELECT 1').get();
  }

  close(): void {
    this.lockGate.abandonAll();
    this.connection?.close();
    this.connection = undefined;
  }
}
