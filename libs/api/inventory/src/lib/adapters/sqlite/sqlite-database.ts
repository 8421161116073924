import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate } from './sqlite-schema';

export interface SqliteStoreOptions {
  path: string;
  /**
   * FULL: a confirmed order survives power loss (one fsync per commit). NORMAL: survives a process
   * crash but may lose the last commits on power loss. Group commit keeps FULL affordable.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /** How long a write waits for another process's write lock before failing. */
  busyTimeoutMs?: number;
  /** How long an idempotency key is remembered (default 24 h). */
  idempotencyTtlMs?: number;
}

/** The one connection every SQLite port of a process shares: opened, tuned and migrated once. */
export class SqliteDatabase {
  private connection?: Database.Database;

  constructor(readonly options: SqliteStoreOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    const db = new Database(options.path, { timeout: options.busyTimeoutMs ?? 5000 });
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    db.pragma('foreign_keys = ON');
    migrate(db);
    this.connection = db;
  }

  get db(): Database.Database {
    if (!this.connection) throw new Error('SQLite store is not open');
    return this.connection;
  }

  get isOpen(): boolean {
    return this.connection !== undefined;
  }

  ping(): void {
    this.db.prepare('SELECT 1').get();
  }

  close(): void {
    this.connection?.close();
    this.connection = undefined;
  }
}
