import { randomUUID } from 'node:crypto';
import { AddressInfo, Server, Socket, connect, createServer } from 'node:net';
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

describe('migrateDatabase while PostgreSQL is down', () => {
  it('waits for the database to come back instead of failing the start (chaos: a restart during a PostgreSQL restart exited)', async () => {
    const server = new URL(requiredEnv('TEST_POSTGRES_URL'));
    // PostgreSQL "down": its first connection is closed as it opens (pg: "Connection terminated
    // unexpectedly", as a server shutting down gives), the next reset (ECONNRESET, as while it
    // restarts); once two were refused it is "up", a proxy to the real server. No timer: the
    // condition is the retries.
    const sockets: Socket[] = [];
    let refused = 0;
    const proxy: Server = createServer((socket) => {
      if (refused < 2) {
        refused++;
        if (refused === 1) {
          sockets.push(socket); // half-closed until the end of the test
          socket.end();
        } else socket.resetAndDestroy();
        return;
      }
      const upstream = connect(Number(server.port || 5432), server.hostname);
      sockets.push(socket, upstream);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const port = (proxy.address() as AddressInfo).port;
    const name = `t_${randomUUID().replace(/-/g, '').slice(0, 12)}_late`;
    const url = `postgres://${server.username || 'postgres'}@127.0.0.1:${port}/${name}`;
    try {
      await migrateDatabase(url, [Widgets1764000000950]);
      expect(refused).toBe(2);
      const client = new Client({ connectionString: `${requiredEnv('TEST_POSTGRES_URL')}/${name}` });
      await client.connect();
      expect((await client.query(`SELECT to_regclass('widgets') AS t`)).rows[0].t).toBe('widgets');
      await client.end();
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      const client = new Client({ connectionString: `${requiredEnv('TEST_POSTGRES_URL')}/postgres` });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    }
  });

  it('still fails at once on an error that waiting does not cure', async () => {
    const url = `${requiredEnv('TEST_POSTGRES_URL')}/t_${randomUUID().replace(/-/g, '').slice(0, 12)}_bad`.replace('://', '://nobody-such-role@');
    await expect(migrateDatabase(url, [])).rejects.toThrow(/role|authentication|does not exist/i);
  });
});
