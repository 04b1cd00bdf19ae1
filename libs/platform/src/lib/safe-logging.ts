import { Logger as NestLogger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';
import { redactUrlPassword } from './config';

/**
 * Paths pino removes from every log line: credentials of requests, and what a failed query
 * carries (its parameters: tokens, phone numbers, amounts; pg's `detail`, which quotes the
 * offending values).
 */
export const LOG_REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'err.parameters',
  'err.detail',
  'err.driverError.parameters',
  'err.driverError.detail',
  'err.cause.parameters',
  'err.cause.detail',
];

/**
 * An error as it may be logged: its type, code, message (with URL passwords removed) and
 * stack, never the parameters or row values a database error carries.
 */
export function safeError(error: unknown): Record<string, unknown> | unknown {
  if (!(error instanceof Error)) return error;
  const { code, constraint, table, column } = error as Error & Record<string, unknown>;
  return {
    type: error.name,
    message: redactUrlPassword(error.message),
    ...(code !== undefined ? { code } : {}),
    ...(constraint !== undefined ? { constraint } : {}),
    ...(table !== undefined ? { table } : {}),
    ...(column !== undefined ? { column } : {}),
    stack: error.stack ? redactUrlPassword(error.stack) : undefined,
  };
}

/**
 * TypeORM's logger for the services: a failed or slow query is logged with its SQL text only.
 * The parameters (payment tokens, phone numbers, idempotency keys) never reach a log line.
 */
export class SafeTypeOrmLogger implements TypeOrmLogger {
  private readonly logger = new NestLogger('database');

  logQuery(): void {
    // Successful queries are not logged.
  }

  logQueryError(error: string | Error, query: string): void {
    this.logger.error({ msg: 'query failed', err: safeError(error), query: truncate(query) });
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ msg: 'slow query', ms: time, query: truncate(query) });
  }

  logSchemaBuild(message: string): void {
    this.logger.debug(message);
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    const text = typeof message === 'string' ? redactUrlPassword(message) : message;
    if (level === 'warn') this.logger.warn(text);
    else this.logger.debug(text);
  }
}

function truncate(query: string): string {
  return query.length > 2_000 ? `${query.slice(0, 2_000)}…` : query;
}

/**
 * Phone numbers in text (a URL, a path): `+` (or `%2B`) and 7-15 digits with the usual
 * separators, or 10-15 digits in a row. All digits but the last four become `*`.
 */
const PHONE_NUMBER = /(?:\+|%2B)\d(?:[\d().\s-]|%20){5,20}\d|(?<![\d.])\d{10,15}(?![\d.])/gi;

export function maskPhoneNumbers(text: string): string {
  return text.replace(PHONE_NUMBER, (match) => {
    const digits = match.replace(/%2B|%20/gi, '').replace(/\D/g, '');
    if (digits.length < 7 || digits.length > 15) return match;
    return (/^(\+|%2B)/i.test(match) ? '+' : '') + '*'.repeat(digits.length - 4) + digits.slice(-4);
  });
}

/**
 * pino-http's request serializer, made safe (pino-http hands it the standard serialization):
 * the URL with phone numbers masked (toll-free numbers are path parameters), without the
 * `query` and `params` copies of it. Headers are redacted by LOG_REDACT_PATHS.
 */
export function safeRequestSerializer(serialized: Record<string, unknown>): Record<string, unknown> {
  const { query: _query, params: _params, ...rest } = serialized;
  return { ...rest, url: maskPhoneNumbers(String(serialized['url'] ?? '')) };
}
