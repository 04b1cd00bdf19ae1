import { Client } from 'pg';
import { DataSource } from 'typeorm';

/** How long a starting service waits for PostgreSQL to accept connections (a restart, a failover). */
const DATABASE_WAIT_MS = 60_000;

/**
 * PostgreSQL is not there yet, or still recovering: connection refused or reset; its Unix socket
 * not there (ENOENT: the server removes it while it restarts); the connection closed as it was
 * being opened or used (pg's "Connection terminated unexpectedly", no code); 57P03 (starting up
 * or shutting down) or 57P01 (terminated by a shutdown).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const { code, message, syscall } = (error ?? {}) as { code?: string; message?: string; syscall?: string };
  if (code === 'ENOENT') return syscall === 'connect';
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === '57P03' || code === '57P01') return true;
  return code === undefined && message === 'Connection terminated unexpectedly';
}

/**
 * Runs `work` until PostgreSQL accepts it: a service started while its database restarts waits
 * for it (as its Kafka client waits for the broker) instead of exiting. Other errors are thrown.
 */
export async function whenDatabaseUp<T>(work: () => Promise<T>, waitMs = DATABASE_WAIT_MS): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      return await work();
    } catch (error) {
      if (!isDatabaseUnavailable(error) || Date.now() + delay > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** Creates the service's database when it does not exist yet (never touches any other). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch(async (error: { code?: string }) => {
        // Created concurrently (two instances starting at once): PostgreSQL answers 42P04, or
        // 23505 on pg_database's unique index when both got past its own existence check.
        if (error.code === '42P04') return;
        if (error.code === '23505' && (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1) return;
        throw error;
      });
    }
  } finally {
    await client.end();
  }
}

/** The advisory lock key under which a service database's migrations run (any constant; one per database). */
const MIGRATION_LOCK = 7_140_250_101;

/**
 * Creates the database if needed and applies its migrations, one instance at a time: TypeORM
 * takes no lock, so two instances starting together on an empty database would both create the
 * same tables and one would fail. The lock is a session advisory lock on a connection of its
 * own, held until the migrations are done; the next instance then finds nothing to apply.
 */
export async function migrateDatabase(url: string, migrations: Function[], waitMs?: number): Promise<void> {
  await whenDatabaseUp(() => ensureDatabase(url), waitMs);
  const lock = await whenDatabaseUp(async () => {
    const client = new Client({ connectionString: url, application_name: 'migrations-lock' });
    await client.connect().catch(async (error: unknown) => {
      await client.end().catch(() => undefined);
      throw error;
    });
    return client;
  }, waitMs);
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const dataSource = new DataSource({
      type: 'postgres',
      url,
      migrations,
      migrationsTransactionMode: 'each',
      extra: { max: 1, application_name: 'migrations' },
    });
    await dataSource.initialize();
    try {
      await dataSource.runMigrations();
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await lock.end(); // ends the session: the lock goes with it
  }
}
