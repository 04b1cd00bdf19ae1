import { ArgumentsHost, Catch, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';

/**
 * Hands a consumer handler's error to the transport as it was thrown.
 *
 * Nest's default for microservice handlers (`BaseRpcExceptionFilter`) logs any error that is
 * not an `RpcException` at ERROR with its stack and replaces it with
 * `{ status: 'error', message: 'Internal server error' }`. For this transport that loses what
 * the consumer decides on: a version conflict (decide again, logged at debug), a transient
 * database failure (retry without end, never dead-letter) and the message a dead letter
 * carries. The consumer (KafkaBatchConsumer) classifies, retries and logs; nothing else must.
 */
@Catch()
export class HandlerErrorsPassThrough implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}
