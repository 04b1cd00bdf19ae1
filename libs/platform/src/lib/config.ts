import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min, validateSync } from 'class-validator';

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
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Validates settings (from `process.env` or an object) into a typed config, or throws `ConfigError`. */
export function loadConfig<T extends ServiceConfig>(
  schema: new () => T,
  source: Record<string, unknown>,
  defaults: Partial<Record<keyof T, unknown>> = {},
): T {
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const config = plainToInstance(schema, { ...defaults, ...present });
  const errors = validateSync(config, { whitelist: false, forbidUnknownValues: true });
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      const value = (source as Record<string, unknown>)[e.property];
      const shown = value === undefined || value === '' ? 'missing' : `got ${JSON.stringify(value)}`;
      return `  ${e.property} (${shown}): ${Object.values(e.constraints ?? {}).join('; ')}`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return config;
}
