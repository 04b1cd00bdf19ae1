import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { runAsActor } from '@comms-credits/event-store';
import { Observable } from 'rxjs';
import { AuthenticatedRequest } from './access.decorators';

/**
 * Runs each authenticated request's handler as its actor: every event the event store appends
 * meanwhile records `metadata.actor` = {sub, roles}, without the handlers passing it along.
 */
@Injectable()
export class ActorInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal) return next.handle();
    return new Observable((subscriber) => runAsActor({ sub: principal.sub, roles: principal.roles }, () => next.handle().subscribe(subscriber)));
  }
}
