import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { GenericContainer, ImageName, StartedTestContainer, Wait, getContainerRuntimeClient } from 'testcontainers';

const run = promisify(execFile);
const workspaceRoot = resolve(__dirname, '../../../..');

/** Where the run's one broker and one database server answer. */
export interface TestInfrastructure {
  mode: 'containers' | 'local';
  kafkaBrokers: string;
  /** A server URL without database (`postgres://postgres@127.0.0.1:5432`). */
  postgresUrl: string;
  stop(): Promise<void>;
}

export const KAFKA_IMAGE = process.env['KAFKA_IMAGE'] ?? 'localhost/comms-credits/kafka:3.9.2';
export const POSTGRES_IMAGE = process.env['POSTGRES_IMAGE'] ?? 'localhost/comms-credits/postgres:15';

/**
 * `TEST_INFRA=containers` insists on testcontainers, `local` on the broker of infra/kafka and
 * the local PostgreSQL; `auto` (default) uses containers when a runtime answers and its
 * images are there, else falls back, and says which.
 */
export async function startTestInfrastructure(log: (line: string) => void): Promise<TestInfrastructure> {
  const wanted = process.env['TEST_INFRA'] ?? 'auto';
  if (wanted !== 'local') {
    const reason = await containersUnavailable();
    if (!reason) return startContainers(log);
    if (wanted === 'containers') throw new Error(`TEST_INFRA=containers but ${reason}`);
    log(`test infrastructure: no containers (${reason}); falling back to infra/kafka and the local PostgreSQL`);
  }
  return startLocal(log);
}

async function containersUnavailable(): Promise<string | undefined> {
  try {
    const client = await getContainerRuntimeClient();
    for (const image of [KAFKA_IMAGE, POSTGRES_IMAGE]) {
      const local = image.startsWith('localhost/');
      if (local && !(await client.image.exists(ImageName.fromString(image)))) {
        return `image ${image} is missing (build it with infra/containers/build-images.sh)`;
      }
    }
    return undefined;
  } catch (error) {
    return `no container runtime answers: ${(error as Error).message.split('\n')[0]}`;
  }
}

async function startContainers(log: (line: string) => void): Promise<TestInfrastructure> {
  const started = Date.now();
  const port = await freePort();
  const [kafka, postgres] = await Promise.all([
    new GenericContainer(KAFKA_IMAGE)
      .withEnvironment({
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: `PLAINTEXT://0.0.0.0:${port},CONTROLLER://0.0.0.0:9093`,
        KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port}`,
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
        KAFKA_NUM_PARTITIONS: '3',
      })
      .withExposedPorts({ container: port, host: port })
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
      .withStartupTimeout(120_000)
      .start(),
    new GenericContainer(POSTGRES_IMAGE)
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust', POSTGRES_USER: 'postgres' })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .withStartupTimeout(120_000)
      .start(),
  ]);
  const host = postgres.getHost();
  const infra: TestInfrastructure = {
    mode: 'containers',
    kafkaBrokers: `127.0.0.1:${port}`,
    postgresUrl: `postgres://postgres@${host}:${postgres.getMappedPort(5432)}`,
    stop: async () => {
      await Promise.all([stopQuietly(kafka), stopQuietly(postgres)]);
    },
  };
  log(`test infrastructure: testcontainers (${KAFKA_IMAGE} at ${infra.kafkaBrokers}, ${POSTGRES_IMAGE} at ${infra.postgresUrl}) in ${Date.now() - started} ms`);
  return infra;
}

async function startLocal(log: (line: string) => void): Promise<TestInfrastructure> {
  const started = Date.now();
  const state = mkdtempSync(join(tmpdir(), 'comms-credits-kafka-'));
  const script = join(workspaceRoot, 'infra/kafka/kafka.sh');
  const env = { ...process.env, COMMS_CREDITS_STATE: state };
  const { stdout } = await run('bash', [script, 'start', '--port', '0', '--controller-port', '0'], { env, timeout: 300_000 });
  const brokers = /KAFKA_BROKERS=(\S+)/.exec(stdout)?.[1];
  if (!brokers) throw new Error(`infra/kafka/kafka.sh start printed no KAFKA_BROKERS:\n${stdout}`);
  const postgresUrl = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432';
  log(`test infrastructure: local broker (infra/kafka at ${brokers}) and PostgreSQL at ${postgresUrl} in ${Date.now() - started} ms`);
  return {
    mode: 'local',
    kafkaBrokers: brokers,
    postgresUrl,
    stop: async () => {
      await run('bash', [script, 'clean'], { env, timeout: 120_000 }).catch(() => undefined);
      rmSync(state, { recursive: true, force: true });
    },
  };
}

async function stopQuietly(container: StartedTestContainer): Promise<void> {
  await container.stop({ timeout: 10_000 }).catch(() => undefined);
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}
