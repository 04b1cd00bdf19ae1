import { randomUUID } from 'node:crypto';
import { RunningService, ServiceDefinition, startService } from '@comms-credits/platform';
import { Client } from 'pg';
import { requiredEnv } from '@comms-credits/testing';
import { bearer, operatorToken, testKeySet } from './test-auth';

export interface TestSystem {
  /** Topic namespace shared by the services of this system. */
  prefix: string;
  services: Record<string, RunningService>;
  url(name: string): string;
  /** GET a JSON body from a service as an operator (throws on a non-2xx answer, with the body). */
  get<T = unknown>(name: string, path: string): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Starts services in this process against the run's broker and database server, each with its
 * own fresh database, all sharing one fresh topic namespace, so tests never see each other.
 */
export async function startTestSystem(definitions: ServiceDefinition[], settings: Record<string, unknown> = {}): Promise<TestSystem> {
  const id = randomUUID().replace(/-/g, '').slice(0, 10);
  const prefix = `t${id}.`;
  const server = requiredEnv('TEST_POSTGRES_URL');
  const databases: string[] = [];
  const services: Record<string, RunningService> = {};
  const stop = async () => {
    await Promise.all(Object.values(services).map((s) => s.app.close()));
    await dropDatabases(server, databases);
  };
  const keys = await testKeySet();
  try {
    // One after another: each creates the namespace's topics if they are missing.
    for (const definition of definitions) {
      const database = `t_${id}_${definition.name.replace(/-/g, '_')}`;
      databases.push(database);
      services[definition.name] = await startService(definition, {
        PORT: 0,
        HOST: '127.0.0.1',
        DATABASE_URL: `${server}/${database}`,
        KAFKA_BROKERS: requiredEnv('TEST_KAFKA_BROKERS'),
        KAFKA_TOPIC_PREFIX: prefix,
        KAFKA_GROUP_ID: `${prefix}${definition.name}`,
        KAFKA_TOPIC_PARTITIONS: 2,
        LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'warn',
        AUTH_JWKS_FILE: keys.jwksFile,
        ...settings,
      });
    }
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  const url = (name: string) => {
    const service = services[name];
    if (!service) throw new Error(`service ${name} is not part of this test system`);
    return service.url;
  };
  return {
    prefix,
    services,
    url,
    async get<T>(name: string, path: string): Promise<T> {
      const response = await fetch(url(name) + path, { headers: bearer(await operatorToken()) });
      const body = await response.text();
      if (!response.ok) throw new Error(`GET ${name}${path} answered ${response.status}: ${body}`);
      return JSON.parse(body) as T;
    },
    stop,
  };
}

async function dropDatabases(server: string, databases: string[]): Promise<void> {
  const client = new Client({ connectionString: `${server}/postgres` });
  await client.connect();
  try {
    for (const database of databases) await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
