import { SetMetadata, createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { Principal } from './principal';

export const PUBLIC_ROUTE = 'access:public';
export const OPERATOR_ONLY = 'access:operator-only';

/** No token needed (health probes and metrics scrapes are public by path already). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** Only a platform operator, whatever the method and path (rate cards, dead letters, replays). */
export const OperatorOnly = () => SetMetadata(OPERATOR_ONLY, true);

export interface AuthenticatedRequest extends Request {
  principal?: Principal;
}

/** The verified caller of the request (`@CurrentPrincipal() who: Principal`). */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal | undefined => {
  return context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
});
