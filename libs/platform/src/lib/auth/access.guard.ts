import { CanActivate, ExecutionContext, HttpStatus, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { ProblemException } from '../problem';
import { AuthenticatedRequest, OPERATOR_ONLY, PUBLIC_ROUTE } from './access.decorators';
import { Principal, Role } from './principal';
import { KeySetUnavailable, TokenRejected, TokenVerifier } from './token-verifier';

/** Probes and scrapes: no token (design.md "Access"). `/docs` is served outside the router and is public too. */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set(['/health', '/health/live', '/health/ready', '/metrics']);

/** The path parameter that scopes a route to one tenant. */
export const TENANT_PARAM = 'tenantId';

const READ_METHODS = new Set(['GET', 'HEAD']);
const READERS: readonly Role[] = ['operator', 'tenant-admin', 'tenant-reader'];
const WRITERS: readonly Role[] = ['operator', 'tenant-admin'];

export function unauthenticated(detail: string): ProblemException {
  return new ProblemException(HttpStatus.UNAUTHORIZED, 'AUTH.UNAUTHENTICATED', 'Unauthenticated', detail);
}

/** One answer for every refusal by role or tenant, so it tells nothing about other tenants. */
export function forbidden(): ProblemException {
  return new ProblemException(HttpStatus.FORBIDDEN, 'AUTH.FORBIDDEN', 'Forbidden', 'the token does not allow this request');
}

export interface RouteFacts {
  method: string;
  /** The route's pattern (`/tenants/:tenantId/wallet`), not the URL. */
  path: string;
  params: Record<string, string | undefined>;
  operatorOnly: boolean;
}

/**
 * What a verified principal may do, as a pure function of the route (unit-tested, and the
 * table the access test walks):
 * - `@OperatorOnly()` routes: operators only;
 * - routes with a `:tenantId`: an operator, or a token whose `tid` is that tenant — reading
 *   (GET, HEAD) with any role, writing as `tenant-admin`;
 * - other routes (no tenant, e.g. `GET /rates`): any role reads, only operators write;
 * - a route under `/tenants/` without a `:tenantId` parameter: operators only (fail closed).
 */
export function mayAccess(principal: Principal, route: RouteFacts): boolean {
  const roles = new Set(principal.roles);
  if (roles.has('operator')) return true;
  if (route.operatorOnly) return false;
  const isRead = READ_METHODS.has(route.method.toUpperCase());
  const allowed = isRead ? READERS : WRITERS;
  if (!allowed.some((role) => roles.has(role))) return false;
  const tenant = route.params[TENANT_PARAM];
  if (tenant !== undefined) return principal.tid !== undefined && principal.tid === tenant;
  if (/(^|\/)tenants(\/|$)/.test(route.path)) return false;
  return isRead;
}

/**
 * The one guard of every service (APP_GUARD): a verified bearer token on every route but the
 * public ones (401 `AUTH.UNAUTHENTICATED`), then `mayAccess` (403 `AUTH.FORBIDDEN`). It runs
 * before pipes and handlers, so a refused request learns nothing from validation or lookups.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger('access');

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true; // Kafka handlers: the broker's ACLs guard them
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const routePath = String((request.route as { path?: unknown } | undefined)?.path ?? request.path);
    const targets = [context.getHandler(), context.getClass()];
    if (PUBLIC_PATHS.has(routePath) || this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const principal = await this.authenticate(request, context.switchToHttp().getResponse<Response>());
    request.principal = principal;
    const route: RouteFacts = {
      method: request.method,
      path: routePath,
      params: (request.params ?? {}) as Record<string, string | undefined>,
      operatorOnly: this.reflector.getAllAndOverride<boolean>(OPERATOR_ONLY, targets) ?? false,
    };
    if (!mayAccess(principal, route)) {
      this.logger.debug({ msg: 'forbidden', sub: principal.sub, roles: principal.roles, method: route.method, route: route.path });
      throw forbidden();
    }
    return true;
  }

  private async authenticate(request: AuthenticatedRequest, response: Response): Promise<Principal> {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer +([A-Za-z0-9._~+/=-]+) *$/i.exec(header) : null;
    if (!match) {
      response.setHeader('WWW-Authenticate', 'Bearer');
      throw unauthenticated(
        header === undefined ? 'a bearer token is required (Authorization: Bearer <JWT>)' : 'the Authorization header is not a bearer token',
      );
    }
    try {
      return await this.verifier.verify(match[1]!);
    } catch (error) {
      if (error instanceof KeySetUnavailable) {
        this.logger.error({ msg: 'cannot verify tokens', reason: error.message });
        throw new ProblemException(
          HttpStatus.SERVICE_UNAVAILABLE,
          'AUTH.UNAVAILABLE',
          'Service unavailable',
          'tokens cannot be verified right now; retry later',
        );
      }
      const detail = error instanceof TokenRejected ? error.message : 'the bearer token is not valid';
      response.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      this.logger.debug({ msg: 'unauthenticated', reason: detail });
      throw unauthenticated(detail);
    }
  }
}
