import { Client } from 'pg';
import { DataSource } from 'typeorm';

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
export async function migrateDatabase(url: string, migrations: Function[]): Promise<void> {
  await ensureDatabase(url);
  const lock = new Client({ connectionString: url, application_name: 'migrations-lock' });
  await lock.connect();
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
