import 'reflect-metadata';
import { INestApplication, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestMicroservice } from '@nestjs/microservices';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { EventStore, Transactions, rebuildProjections } from '@comms-credits/event-store';
import { HandlerErrorsPassThrough, KafkaBatchTransport, KafkaPublisher, Supervision } from '@comms-credits/messaging';
import { Kafka } from 'kafkajs';
import { Logger as PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { ConfigError, ServiceConfig, loadConfig } from './config';
import { migrateDatabase } from './database';
import { applyEdge } from './edge';
import { ServiceMetrics } from './metrics';
import { PlatformModule } from './platform.module';
import { KAFKA, ServiceDefinition } from './service-definition';

export interface StartOptions {
  /**
   * A consumer that keeps crashing after its restarts (see KafkaBatchConsumer): the process
   * cannot recover by itself. `bootstrapService` exits non-zero so its supervisor starts a
   * fresh one; by default (tests) readiness just stays 503.
   */
  onUnrecoverable?: (error: unknown, app: INestApplication) => void;
  /** Where the JSON log lines go (default stdout); the log-redaction test captures them. */
  logStream?: NodeJS.WritableStream;
}

export interface RunningService {
  app: INestApplication;
  config: ServiceConfig;
  /** `http://127.0.0.1:<port>` */
  url: string;
}

/** The defaults a service uses when its environment is silent (local development). */
export function defaultSettings(definition: ServiceDefinition): Record<string, unknown> {
  return {
    PORT: definition.defaultPort,
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/comms_credits_${definition.name.replace(/-/g, '_')}`,
    KAFKA_GROUP_ID: definition.name,
  };
}

/** Builds, wires and starts one service: HTTP API, OpenAPI at /docs, Kafka consumer, outbox relay. */
export async function startService(definition: ServiceDefinition, settings: Record<string, unknown>, options: StartOptions = {}): Promise<RunningService> {
  const config = loadConfig(definition.configSchema ?? ServiceConfig, settings, defaultSettings(definition));

  @Module({ imports: [PlatformModule.forService(definition, config, { logStream: options.logStream }), definition.module] })
  class ServiceRootModule {}

  // bodyParser: false: applyEdge registers the one JSON parser, with its size limit.
  const app = await NestFactory.create(ServiceRootModule, { bufferLogs: true, abortOnError: false, bodyParser: false });
  app.useLogger(app.get(PinoLogger));
  app.enableShutdownHooks();
  const metrics = app.get(ServiceMetrics);
  app.use(metrics.httpMiddleware());
  applyEdge(app, config);

  const openApi = new DocumentBuilder()
    .setTitle(definition.title)
    .setDescription(definition.description)
    .setVersion('1')
    // design.md "Access": a bearer JWT on every route but /health* and /metrics ("Authorize" to try them).
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .addSecurityRequirements('bearer')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi));

  const groupId = config.KAFKA_GROUP_ID ?? definition.name;
  const consumer = app.connectMicroservice(
    {
      strategy: new KafkaBatchTransport({
        kafka: app.get<Kafka>(KAFKA),
        groupId,
        transactions: app.get(Transactions),
        deadLetters: app.get(KafkaPublisher),
        schemas: definition.consumes,
        topicPrefix: config.KAFKA_TOPIC_PREFIX,
        limits: { maxBytes: config.KAFKA_MAX_MESSAGE_BYTES },
        supervision: app.get(Supervision),
        observer: metrics,
        consumer: {
          onGiveUp: (error) => options.onUnrecoverable?.(error, app),
          partitionsConsumedConcurrently:
            config.KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY || Object.keys(definition.consumes).length * config.KAFKA_TOPIC_PARTITIONS,
          fetchMaxWaitMs: config.KAFKA_FETCH_MAX_WAIT_MS,
          fetchMinBytes: config.KAFKA_FETCH_MIN_BYTES,
          offsetCommitIntervalMs: config.KAFKA_OFFSET_COMMIT_INTERVAL_MS,
        },
        bookkeeping:
          config.KAFKA_BOOKKEEPING_GATHER_MS > 0
            ? { groupId: `${groupId}.bookkeeping`, consumer: { fetchMaxWaitMs: config.KAFKA_BOOKKEEPING_GATHER_MS, fetchMinBytes: 256 * 1024 } }
            : undefined,
      }),
    },
    { inheritAppConfig: false, deferInitialization: true },
  ) as NestMicroservice;
  // Handler errors must reach the consumer as thrown (it tells conflicts and outages from
  // poison), and Nest builds a handler's exception filters when it registers it: so the filter
  // first, then what connectMicroservice does without deferInitialization.
  consumer.useGlobalFilters(new HandlerErrorsPassThrough());
  consumer.registerListeners();
  consumer.setIsInitialized(true);
  consumer.setIsInitHookCalled(true);
  await app.init(); // module init hooks first: the topics must exist before the consumer subscribes
  await app.startAllMicroservices();
  await app.listen(config.PORT, config.HOST);
  const address = app.getHttpServer().address() as { port: number };
  return { app, config, url: `http://127.0.0.1:${address.port}` };
}

/** `main.ts` of every app: settings from the environment; a bad one stops the process, named. */
export async function bootstrapService(definition: ServiceDefinition): Promise<void> {
  const logger = new Logger(definition.name);
  try {
    const { url } = await startService(definition, process.env, {
      onUnrecoverable: (error, app) => {
        logger.fatal(`${definition.name} cannot recover (${(error as Error)?.message ?? error}): exiting for a restart`);
        process.exitCode = 1;
        // Leave the group and close cleanly if that still works; exit regardless.
        setTimeout(() => process.exit(1), 10_000).unref();
        void app.close().finally(() => process.exit(1));
      },
    });
    logger.log(`${definition.name} is up: ${url} (health ${url}/health, OpenAPI ${url}/docs)`);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${definition.name}: ${error.message}\n`);
    } else {
      process.stderr.write(`${definition.name}: failed to start: ${(error as Error).stack ?? error}\n`);
    }
    process.exit(1);
  }
}

/** A DataSource of the service's database with its migrations applied, for tools (rebuild, benchmarks). */
export async function openServiceDatabase(definition: ServiceDefinition, settings: Record<string, unknown>): Promise<DataSource> {
  // Tools touch the database only: the broker setting is not needed, so it may be absent.
  const config = loadConfig(definition.configSchema ?? ServiceConfig, settings, {
    ...defaultSettings(definition),
    KAFKA_BROKERS: '127.0.0.1:9092',
  });
  await migrateDatabase(config.DATABASE_URL, definition.migrations);
  const dataSource = new DataSource({
    type: 'postgres',
    url: config.DATABASE_URL,
    migrations: definition.migrations,
    migrationsTransactionMode: 'each',
    extra: { application_name: `${definition.name}-tool` },
  });
  await dataSource.initialize();
  return dataSource;
}

/** Empties the service's read models and replays its event store into them. */
export async function rebuildServiceProjections(definition: ServiceDefinition, settings: Record<string, unknown>) {
  const dataSource = await openServiceDatabase(definition, settings);
  try {
    return await rebuildProjections(new Transactions(dataSource), new EventStore(definition.projections));
  } finally {
    await dataSource.destroy();
  }
}

/** `main.ts`: no argument serves; `rebuild-projections` rebuilds the read models and exits. */
export async function runServiceCli(definition: ServiceDefinition, argv: string[]): Promise<void> {
  const [command] = argv;
  if (command === undefined || command === 'serve') return bootstrapService(definition);
  if (command === 'rebuild-projections') {
    try {
      const result = await rebuildServiceProjections(definition, process.env);
      process.stdout.write(`${definition.name}: rebuilt ${result.projections.join(', ')} from ${result.events} events\n`);
      return;
    } catch (error) {
      process.stderr.write(`${definition.name}: rebuild failed: ${(error as Error).message}\n`);
      process.exit(1);
    }
  }
  process.stderr.write(`usage: ${definition.name} [serve | rebuild-projections]\n`);
  process.exit(2);
}
