import {
  BeforeApplicationShutdown,
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
  ValidationPipe,
} from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ALL_TOPICS } from '@comms-credits/contracts';
import { EventStore, Transactions } from '@comms-credits/event-store';
import { CommitNudgingTransactions, KafkaPublisher, OutboxRelay, Supervision, createKafka, ensureTopics, kafkaSecurityOf } from '@comms-credits/messaging';
import { Kafka } from 'kafkajs';
import { LoggerModule } from 'nestjs-pino';
import pino, { DestinationStream } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import { DataSource } from 'typeorm';
import { AuthModule, withPlatformMigrations } from './auth';
import { ServiceConfig } from './config';
import { migrateDatabase } from './database';
import { EdgeModule } from './edge';
import { HealthController } from './health.controller';
import { MetricsController, ServiceMetrics } from './metrics';
import { KafkaHealthIndicator } from './kafka.health';
import { ProblemFilter, validationProblem } from './problem';
import { LOG_REDACT_PATHS, SafeTypeOrmLogger, safeRequestSerializer } from './safe-logging';
import { KAFKA, SERVICE_CONFIG, SERVICE_DEFINITION, ServiceDefinition } from './service-definition';

/** The notification channel of the service's outbox relay (one database per service). */
const RELAY_CHANNEL = 'outbox_relay';

/** A refusal by the broker's ACLs (kafkajs reports topic creation errors as an aggregate). */
export function isAuthorizationFailure(error: unknown): boolean {
  const errors = (error as { errors?: unknown[] })?.errors;
  const all = Array.isArray(errors) && errors.length > 0 ? errors : [error];
  const types = all.map((e) => String((e as { type?: unknown })?.type ?? ''));
  const refused = (type: string) => /_AUTHORIZATION_FAILED$/.test(type);
  return types.some(refused) && types.every((type) => refused(type) || type === 'TOPIC_ALREADY_EXISTS');
}

/** Starts and stops what the service shares with Kafka, in an order that loses nothing. */
@Injectable()
export class MessagingLifecycle implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('messaging');

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(SERVICE_DEFINITION) private readonly definition: ServiceDefinition,
    private readonly publisher: KafkaPublisher,
    private readonly relay: OutboxRelay,
    private readonly kafkaHealth: KafkaHealthIndicator,
    private readonly metrics: ServiceMetrics,
  ) {}

  async onModuleInit(): Promise<void> {
    const topics = ALL_TOPICS.map((topic) => this.config.KAFKA_TOPIC_PREFIX + topic);
    try {
      await ensureTopics(this.kafka, topics, {
        partitions: this.config.KAFKA_TOPIC_PARTITIONS,
        replicationFactor: this.config.KAFKA_REPLICATION_FACTOR,
      });
    } catch (error) {
      if (!isAuthorizationFailure(error)) throw error;
      await this.requireConsumedTopics();
    }
    await this.publisher.connect();
  }

  /**
   * With broker ACLs (docs/security.md) a service sees only the topics it uses and may create
   * none: they are created beforehand. It can run if every topic it consumes is there.
   */
  private async requireConsumedTopics(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const visible = new Set(await admin.listTopics());
      const consumed = Object.keys(this.definition.consumes).map((topic) => this.config.KAFKA_TOPIC_PREFIX + topic);
      const missing = consumed.filter((topic) => !visible.has(topic));
      if (missing.length > 0) {
        throw new Error(
          `topics ${missing.join(', ')} are missing or not readable, and this service may not create them (broker ACLs): create them and grant it Read`,
        );
      }
      this.logger.log({ msg: 'broker ACLs: topics not created by this service; every topic it consumes exists', consumed });
    } finally {
      await admin.disconnect();
    }
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  /** Before the consumer stops (Nest closes microservices next), stop relaying. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }

  /** After the consumer has finished its chunk and committed, close the producer. */
  async onApplicationShutdown(): Promise<void> {
    await this.publisher.disconnect();
    await this.kafkaHealth.close();
    await this.metrics.close();
  }
}

@Global()
@Module({})
export class PlatformModule {
  static forService(definition: ServiceDefinition, config: ServiceConfig, options: { logStream?: NodeJS.WritableStream } = {}): DynamicModule {
    const pinoOptions: PinoHttpOptions = {
      level: config.LOG_LEVEL,
      base: { service: definition.name },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Probes and scrapes every few seconds would drown the request log.
      autoLogging: { ignore: (req) => /^\/(health(\/live|\/ready)?|metrics)$/.test(req.url ?? '') },
      redact: LOG_REDACT_PATHS,
      serializers: { req: safeRequestSerializer },
    };
    return {
      module: PlatformModule,
      imports: [
        LoggerModule.forRoot({ pinoHttp: options.logStream ? [pinoOptions, options.logStream as DestinationStream] : pinoOptions }),
        TypeOrmModule.forRootAsync({
          useFactory: async () => {
            // Migrations first, under a lock (instances may start together), then the pool.
            await migrateDatabase(config.DATABASE_URL, withPlatformMigrations(definition.migrations));
            return {
              type: 'postgres' as const,
              url: config.DATABASE_URL,
              migrations: withPlatformMigrations(definition.migrations),
              migrationsRun: false,
              migrationsTransactionMode: 'each' as const,
              synchronize: false,
              // Failed queries are logged by their SQL text only, never with their parameters.
              logging: ['error' as const, 'warn' as const],
              logger: new SafeTypeOrmLogger(),
              retryAttempts: 3,
              retryDelay: 1_000,
              // jit off: short OLTP statements, where compiling a plan costs more than running it
              // (a 351 ms JIT compile was seen on a stream read with stale statistics).
              extra: { max: 10, application_name: definition.name, options: '-c jit=off' },
            };
          },
        }),
        TerminusModule.forRoot({ logger: false }),
        AuthModule.forService(config),
        EdgeModule.forService(config),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: ServiceConfig, useValue: config },
        { provide: SERVICE_DEFINITION, useValue: definition },
        {
          provide: KAFKA,
          useFactory: () =>
            createKafka({
              brokers: config.KAFKA_BROKERS.split(','),
              clientId: config.KAFKA_CLIENT_ID ?? `${definition.name}-${process.pid}`,
              security: kafkaSecurityOf(config),
            }),
        },
        { provide: KafkaPublisher, inject: [KAFKA], useFactory: (kafka: Kafka) => new KafkaPublisher(kafka, config.KAFKA_TOPIC_PREFIX) },
        {
          // With OUTBOX_RELAY_WAKE_ON_COMMIT, a commit that stored an event to publish wakes the
          // leading relay at once, in whichever instance it runs: directly when it runs here,
          // else by pg_notify at commit (LISTEN).
          provide: Transactions,
          inject: [DataSource, OutboxRelay],
          useFactory: (ds: DataSource, relay: OutboxRelay) =>
            config.OUTBOX_RELAY_WAKE_ON_COMMIT
              ? new CommitNudgingTransactions(ds, { publishes: (event) => definition.route(event) !== null, notify: RELAY_CHANNEL, local: relay })
              : new Transactions(ds),
        },
        { provide: EventStore, useFactory: () => new EventStore(definition.projections) },
        { provide: Supervision, useValue: new Supervision() },
        {
          provide: ServiceMetrics,
          inject: [KAFKA, DataSource],
          useFactory: (kafka: Kafka, ds: DataSource) =>
            new ServiceMetrics({
              service: definition.name,
              kafka,
              dataSource: ds,
              groupId: config.KAFKA_GROUP_ID ?? definition.name,
              topics: Object.keys(definition.consumes).map((topic) => config.KAFKA_TOPIC_PREFIX + topic),
              topicPrefix: config.KAFKA_TOPIC_PREFIX,
            }),
        },
        {
          provide: OutboxRelay,
          inject: [DataSource, KafkaPublisher, Supervision, ServiceMetrics],
          useFactory: (ds: DataSource, publisher: KafkaPublisher, supervision: Supervision, metrics: ServiceMetrics) => {
            const relay = new OutboxRelay(ds, metrics.watchDecisions(publisher), {
              route: definition.route,
              idlePollMs: config.OUTBOX_RELAY_WAKE_ON_COMMIT ? 1_000 : 50,
              listen: config.OUTBOX_RELAY_WAKE_ON_COMMIT ? RELAY_CHANNEL : undefined,
              onPublished: (count, age) => metrics.relayPublished(count, age),
              onHeld: () => metrics.relayHeld(),
            });
            metrics.countBacklogFrom(() => relay.position());
            supervision.register(relay);
            return relay;
          },
        },
        KafkaHealthIndicator,
        MessagingLifecycle,
        { provide: APP_FILTER, useClass: ProblemFilter },
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({
            whitelist: true,
            forbidNonWhitelisted: true,
            transform: true,
            exceptionFactory: validationProblem,
          }),
        },
      ],
      exports: [SERVICE_CONFIG, ServiceConfig, SERVICE_DEFINITION, KAFKA, KafkaPublisher, Transactions, EventStore, OutboxRelay, Supervision, ServiceMetrics],
    };
  }
}
