import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { requiredEnv } from './test-kafka';

export interface TestDatabase {
  name: string;
  url: string;
  dataSource: DataSource;
  drop(): Promise<void>;
}

/** A fresh database on the run's server with the given migrations applied. */
export async function createTestDatabase(migrations: Function[], label = 'db'): Promise<TestDatabase> {
  const server = requiredEnv('TEST_POSTGRES_URL');
  const name = `t_${randomUUID().replace(/-/g, '').slice(0, 10)}_${label.replace(/\W/g, '_')}`;
  await adminQuery(server, `CREATE DATABASE "${name}"`);
  const url = `${server}/${name}`;
  const dataSource = new DataSource({ type: 'postgres', url, migrations, migrationsTransactionMode: 'each', extra: { max: 20 } });
  await dataSource.initialize();
  await dataSource.runMigrations();
  return {
    name,
    url,
    dataSource,
    async drop() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await adminQuery(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

async function adminQuery(server: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: `${server}/postgres` });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
