import { createHash } from 'node:crypto';
import { DynamicModule, ExecutionContext, HttpStatus, INestApplication, Injectable, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ThrottlerGuard, ThrottlerLimitDetail, ThrottlerModule } from '@nestjs/throttler';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { PUBLIC_PATHS } from './auth/access.guard';
import { ServiceConfig } from './config';
import { ProblemException } from './problem';

/** Media types the JSON parser reads (`application/json`, `application/merge-patch+json`, …). */
const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * The HTTP edge of every service (docs/security.md "At the edge"), before any route:
 * - JSON bodies up to `HTTP_MAX_BODY_BYTES` (64 KiB): larger → 413 `PAYLOAD_TOO_LARGE`, broken
 *   JSON → 400 `BAD_REQUEST`, as problem+json like every other error (body-parser's errors never
 *   reach Nest's filters, so they are rendered here);
 * - helmet's headers (CSP `default-src 'self'`, `nosniff`, HSTS, `frame-ancestors 'none'`
 *   through `X-Frame-Options`, no `X-Powered-By`); Swagger UI at /docs works under them;
 * - CORS only for the origins of `CORS_ORIGINS` (none by default: the ops console calls the
 *   services through its own server, one origin).
 * `startService` calls it with `bodyParser: false`, so this is the only body parser.
 */
export function applyEdge(app: INestApplication, config: ServiceConfig): void {
  (app as NestExpressApplication).useBodyParser('json', { limit: config.HTTP_MAX_BODY_BYTES, type: JSON_TYPES });
  app.use(bodyParserProblems);
  app.use(helmet());
  const origins = corsOrigins(config);
  if (origins.length > 0) {
    app.enableCors({
      origin: origins,
      credentials: false, // bearer tokens, no cookies
      methods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'Idempotency-Key', 'If-Match', 'If-None-Match'],
      exposedHeaders: ['ETag', 'Location', 'Retry-After', 'WWW-Authenticate', 'Content-Disposition'],
      maxAge: 600,
    });
  }
}

export function corsOrigins(config: Pick<ServiceConfig, 'CORS_ORIGINS'>): string[] {
  return (config.CORS_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
}

/** body-parser's refusals (they carry `status` and `type`) as problem+json; anything else goes on. */
export function bodyParserProblems(error: unknown, request: Request, response: Response, next: NextFunction): void {
  const { status, type } = (error ?? {}) as { status?: unknown; type?: unknown };
  if (typeof status !== 'number' || typeof type !== 'string' || status < 400 || status >= 500) return next(error);
  const problem =
    type === 'entity.too.large'
      ? {
          status: HttpStatus.PAYLOAD_TOO_LARGE,
          code: 'PAYLOAD_TOO_LARGE',
          title: 'Payload too large',
          detail: `the request body is larger than ${(error as { limit?: number }).limit ?? 'allowed'} bytes`,
        }
      : type === 'entity.parse.failed'
        ? { status: HttpStatus.BAD_REQUEST, code: 'BAD_REQUEST', title: 'Bad request', detail: 'the request body is not valid JSON' }
        : { status, code: 'BAD_REQUEST', title: 'Bad request', detail: `the request body cannot be read (${type})` };
  // Never echo the body (it may hold a token or a phone number), only what was wrong with it.
  response
    .status(problem.status)
    .type('application/problem+json')
    .json({ type: 'about:blank', instance: request.url, ...problem });
}

/**
 * @nestjs/throttler keyed by the bearer token (a hash of the header; by address without one):
 * everyone behind the console's server shares an address but not a token. Probes and scrapes
 * are not limited. In memory, so per instance: a cluster needs a shared store (Redis storage for
 * the throttler) or the limit at the gateway. Over the limit: 429 `RATE_LIMITED` + Retry-After.
 */
@Injectable()
export class TokenThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const authorization = (request['headers'] as Record<string, unknown> | undefined)?.['authorization'];
    if (typeof authorization === 'string' && authorization !== '') {
      return `token:${createHash('sha256').update(authorization).digest('base64url').slice(0, 32)}`;
    }
    return `address:${String(request['ip'] ?? 'unknown')}`;
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    const path = String((request.route as { path?: unknown } | undefined)?.path ?? request.path);
    return PUBLIC_PATHS.has(path);
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new ProblemException(
      HttpStatus.TOO_MANY_REQUESTS,
      'RATE_LIMITED',
      'Too many requests',
      `more than ${detail.limit} requests in ${Math.round(detail.ttl / 1000)} s with this token; retry after ${detail.timeToBlockExpire} s`,
    );
  }
}

/** The per-token rate limit (`RATE_LIMIT_PER_MINUTE`, 0 = none). */
@Module({})
export class EdgeModule {
  static forService(config: ServiceConfig): DynamicModule {
    if (config.RATE_LIMIT_PER_MINUTE === 0) return { module: EdgeModule };
    return {
      module: EdgeModule,
      imports: [ThrottlerModule.forRoot({ throttlers: [{ name: 'default', ttl: 60_000, limit: config.RATE_LIMIT_PER_MINUTE }] })],
      providers: [{ provide: APP_GUARD, useClass: TokenThrottlerGuard }],
    };
  }
}
