import { randomUUID } from 'node:crypto';
import { requiredEnv } from '@comms-credits/testing';
import { Client } from 'pg';
import { ensureDatabase, migrateDatabase } from './database';

class Widgets1764000000950 {
  name = 'Widgets1764000000950';
  async up(runner: { query(sql: string): Promise<unknown> }) {
    await runner.query(`CREATE TABLE widgets (id int PRIMARY KEY)`);
    await runner.query(`SELECT pg_sleep(0.2)`); // long enough for the others to arrive meanwhile
  }
  async down(): Promise<void> {
    throw new Error('forward-only');
  }
}

describe('ensureDatabase', () => {
  const server = () => requiredEnv('TEST_POSTGRES_URL');

  it('creates a missing database once when several instances start at the same moment', async () => {
    // Reported by `npm start -- --instances 2` on an empty server: the second instance got
    // 23505 on pg_database's unique index, not 42P04, and exited.
    const name = `t_${randomUUID().replace(/-/g, '').slice(0, 12)}_race`;
    try {
      await Promise.all(Array.from({ length: 6 }, () => ensureDatabase(`${server()}/${name}`)));
      const client = new Client({ connectionString: `${server()}/postgres` });
      await client.connect();
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      await client.end();
      expect(rowCount).toBe(1);
    } finally {
      const client = new Client({ connectionString: `${server()}/postgres` });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    }
  });

  it('applies the migrations once when several instances start on an empty database at the same moment', async () => {
    const name = `t_${randomUUID().replace(/-/g, '').slice(0, 12)}_migrate`;
    try {
      await Promise.all(Array.from({ length: 4 }, () => migrateDatabase(`${server()}/${name}`, [Widgets1764000000950])));
      const client = new Client({ connectionString: `${server()}/${name}` });
      await client.connect();
      const { rows } = await client.query<{ name: string }>('SELECT name FROM migrations');
      await client.end();
      expect(rows.map((r) => r.name)).toEqual(['Widgets1764000000950']);
    } finally {
      const client = new Client({ connectionString: `${server()}/postgres` });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    }
  });
});
