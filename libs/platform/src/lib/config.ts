import 'reflect-metadata';
import { plainToInstance, Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsUrl, Matches, Max, Min, ValidateIf, validateSync } from 'class-validator';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Settings every service reads from its environment. A missing or bad setting stops the
 * service at start-up with a message that names it.
 */
export class ServiceConfig {
  /** HTTP port of the ops API. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT!: number;

  /** Address the HTTP server binds to. */
  @Matches(/^[0-9a-fA-F.:]+$|^localhost$/, { message: 'HOST must be an IP address or localhost' })
  HOST = '127.0.0.1';

  /** The service's own database; created at start-up when missing. */
  @Matches(/^postgres(ql)?:\/\/[^/\s]+\/[A-Za-z_][A-Za-z0-9_]*(\?\S*)?$/, {
    message: 'DATABASE_URL must look like postgres://user@host:5432/database_name',
  })
  DATABASE_URL!: string;

  /** Comma-separated `host:port` list of Kafka bootstrap brokers. */
  @Matches(/^[A-Za-z0-9.-]+:\d{1,5}(,[A-Za-z0-9.-]+:\d{1,5})*$/, {
    message: 'KAFKA_BROKERS must be a comma-separated list of host:port',
  })
  KAFKA_BROKERS!: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,200}$/, { message: 'KAFKA_CLIENT_ID must be 1-200 of [A-Za-z0-9._-]' })
  KAFKA_CLIENT_ID?: string;

  /** Consumer group id; defaults to the service name. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,200}$/, { message: 'KAFKA_GROUP_ID must be 1-200 of [A-Za-z0-9._-]' })
  KAFKA_GROUP_ID?: string;

  /**
   * Namespace prepended to every topic name (default none). Lets several copies of the system
   * share one broker, as the integration tests do; production leaves it empty.
   */
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{0,100}$/, { message: 'KAFKA_TOPIC_PREFIX must be up to 100 of [A-Za-z0-9._-]' })
  KAFKA_TOPIC_PREFIX = '';

  /** Partitions of topics this service creates when they are missing. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  KAFKA_TOPIC_PARTITIONS = 3;

  /**
   * Topic-partitions a consumer processes at once, each chunk in its own transaction (kafkajs
   * `partitionsConsumedConcurrently`). Chunks of the same partition number always run one at a
   * time across topics (lanes, see libs/messaging Lanes): one call's stream is written from
   * several topics (call log, the stage's chain topic, call-ended) whose partition i holds the
   * same tenants. 0 = every subscribed topic-partition (topics × KAFKA_TOPIC_PARTITIONS).
   * Default 1: on the 2-core benchmark machine, where the broker, PostgreSQL and six services
   * share the CPU, more at once made admission slower (docs/benchmarks.md, session 3).
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(256)
  KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY = 1;

  /**
   * Longest wait of a consumer fetch (ms). With `KAFKA_FETCH_MIN_BYTES` 1 the broker answers as
   * soon as anything arrives, so this bounds only fetches that find nothing (the consumer's
   * and the broker's idle work) and how long a stop waits for the fetch in flight. Default 500
   * (docs/benchmarks.md, session 4).
   */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(10_000)
  KAFKA_FETCH_MAX_WAIT_MS = 500;

  /**
   * Bytes a consumer fetch waits for (up to `KAFKA_FETCH_MAX_WAIT_MS`) before the broker answers.
   * Default 1: answer at once, for the admission chain. A consumer nobody waits on (the
   * reporting service) sets more, so that a quiet minute costs a few big chunks, not one
   * transaction per message.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50 * 1024 * 1024)
  KAFKA_FETCH_MIN_BYTES = 1;

  /**
   * Consumer offsets are committed at most this often (ms), one request for every partition
   * applied since, and at once on stop. Safe to delay: what a crash redelivers was applied with
   * its inbox rows and is skipped. Default 200 (0: after every chunk, one broker request per
   * chunk; docs/benchmarks.md, session 4).
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_000)
  KAFKA_OFFSET_COMMIT_INTERVAL_MS = 200;

  /**
   * How long a fetch of the bookkeeping consumer gathers (ms; or until 256 KiB): the topics no
   * admission waits on (a service's call log, pool-ledger's and credit-wallet's settlement of
   * call-ended, the usage locations dialout-policy learns, the seats and balances toll-free
   * learns) go to a consumer group of their own, `<KAFKA_GROUP_ID>.bookkeeping`, that receives
   * them in chunks instead of a fetch per message (~3 ms of CPU each on the benchmark machine).
   * They are applied that much later at most. 0: those topics stay in the main consumer.
   * Default 1000 (docs/benchmarks.md, sessions 5 and 7).
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_000)
  KAFKA_BOOKKEEPING_GATHER_MS = 1_000;

  /**
   * Wake the outbox relay after each commit that stored an event it publishes (HTTP commands
   * and consumer chunks, of this instance or another), with a 1 s fallback poll for events a
   * tool committed without waking it. Default true; false polls every 50 ms instead
   * (docs/benchmarks.md, sessions 4 and 6).
   */
  @Transform(({ value }) => (value === 'true' || value === true ? true : value === 'false' || value === false ? false : value))
  @IsBoolean({ message: 'OUTBOX_RELAY_WAKE_ON_COMMIT must be true or false' })
  OUTBOX_RELAY_WAKE_ON_COMMIT = true;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5)
  KAFKA_REPLICATION_FACTOR = 1;

  /**
   * Largest consumed message value, in bytes (default 64 KiB): anything larger is dead-lettered
   * as MESSAGE_TOO_LARGE before it is parsed.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1_024)
  @Max(10_485_760)
  KAFKA_MAX_MESSAGE_BYTES = 65_536;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  // --- the HTTP edge (docs/security.md "At the edge") ---------------------------------------

  /** Largest JSON request body, in bytes (default 64 KiB; a full rate card is about 25 KiB): larger → 413. */
  @Type(() => Number)
  @IsInt()
  @Min(1_024)
  @Max(10_485_760)
  HTTP_MAX_BODY_BYTES = 65_536;

  /**
   * Browser origins allowed to call the API cross-origin (comma-separated, e.g.
   * `https://console.example.com`). Default none: no CORS at all (the ops console calls the
   * services through its own server, one origin).
   */
  @IsOptional()
  @Matches(/^\s*https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?\s*(,\s*https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?\s*)*$/, {
    message: 'CORS_ORIGINS must be a comma-separated list of origins like https://console.example.com',
  })
  CORS_ORIGINS?: string;

  /** Requests per minute per bearer token (per address without one), per instance; 0 = no limit. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  RATE_LIMIT_PER_MINUTE = 6_000;

  // --- access (design.md "Access"; docs/security.md) ---------------------------------------

  /**
   * JWKS of the identity provider (Entra ID, Keycloak, …) that signs the bearer tokens. One of
   * AUTH_JWKS_URL and AUTH_JWKS_FILE is required: a service never runs without access control.
   */
  @IsOptional()
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true, require_tld: false }, { message: 'AUTH_JWKS_URL must be an http(s) URL' })
  AUTH_JWKS_URL?: string;

  /** A JWKS file instead (local development: `.run/auth/jwks.json`; tests). */
  @IsOptional()
  @Matches(/^[^\0]{1,4096}$/, { message: 'AUTH_JWKS_FILE must be a file path' })
  AUTH_JWKS_FILE?: string;

  /** The `iss` every token must carry. Required with AUTH_JWKS_URL; with a file, `comms-credits-dev`. */
  @IsOptional()
  @Matches(/^\S{1,1000}$/, { message: 'AUTH_ISSUER must be a non-empty string without spaces' })
  AUTH_ISSUER?: string;

  /** The `aud` every token must carry. Required with AUTH_JWKS_URL; with a file, `comms-credits`. */
  @IsOptional()
  @Matches(/^\S{1,1000}$/, { message: 'AUTH_AUDIENCE must be a non-empty string without spaces' })
  AUTH_AUDIENCE?: string;

  // --- Kafka security (every kafkajs client of the service) ------------------------------

  /** TLS to the brokers. */
  @Transform(({ value }) => (value === 'true' || value === true ? true : value === 'false' || value === false ? false : value))
  @IsBoolean({ message: 'KAFKA_SSL must be true or false' })
  KAFKA_SSL = false;

  /** PEM file of the CA that signed the brokers' certificates (default: the system's CAs). */
  @IsOptional()
  @Matches(/^[^\0]{1,4096}$/, { message: 'KAFKA_SSL_CA_FILE must be a file path' })
  KAFKA_SSL_CA_FILE?: string;

  @IsOptional()
  @IsIn(['scram-sha-256', 'scram-sha-512', 'plain'], { message: 'KAFKA_SASL_MECHANISM must be scram-sha-256, scram-sha-512 or plain' })
  KAFKA_SASL_MECHANISM?: 'scram-sha-256' | 'scram-sha-512' | 'plain';

  @ValidateIf((o: ServiceConfig) => o.KAFKA_SASL_MECHANISM !== undefined || o.KAFKA_SASL_USERNAME !== undefined)
  @Matches(/^\S{1,255}$/, { message: 'KAFKA_SASL_USERNAME is required with KAFKA_SASL_MECHANISM' })
  KAFKA_SASL_USERNAME?: string;

  @ValidateIf((o: ServiceConfig) => o.KAFKA_SASL_MECHANISM !== undefined)
  @Matches(/^.{1,1024}$/, { message: 'KAFKA_SASL_PASSWORD is required with KAFKA_SASL_MECHANISM' })
  KAFKA_SASL_PASSWORD?: string;
}

/** Setting names whose values are secrets: never echoed in a configuration error. */
const SECRET_SETTINGS = new Set(['KAFKA_SASL_PASSWORD']);

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Validates settings (from `process.env` or an object) into a typed config, or throws `ConfigError`. */
export function loadConfig<T extends ServiceConfig>(schema: new () => T, source: Record<string, unknown>, defaults: Partial<Record<keyof T, unknown>> = {}): T {
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const config = plainToInstance(schema, { ...defaults, ...present });
  const errors = validateSync(config, { whitelist: false, forbidUnknownValues: true });
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      const value = (source as Record<string, unknown>)[e.property];
      const shown = value === undefined || value === '' ? 'missing' : `got ${JSON.stringify(redactSetting(e.property, value))}`;
      return `  ${e.property} (${shown}): ${Object.values(e.constraints ?? {}).join('; ')}`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return config;
}

/**
 * A setting's value as it may be shown: secrets hidden, the password of a URL
 * (`postgres://user:secret@host/db`) replaced by `***`.
 */
export function redactSetting(name: string, value: unknown): unknown {
  if (SECRET_SETTINGS.has(name)) return '***';
  if (typeof value !== 'string') return value;
  return redactUrlPassword(value);
}

/** `scheme://user:password@host…` → `scheme://user:***@host…`, even when the rest does not parse. */
export function redactUrlPassword(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)\S*@/gi, '$1***@');
}
