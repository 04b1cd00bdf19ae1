import { ArgumentsHost, BadRequestException, Catch, ExceptionFilter, HttpException, HttpStatus, Logger, ValidationError } from '@nestjs/common';
import { DomainError, Result } from '@comms-credits/domain-kit';
import { VersionConflictError } from '@comms-credits/event-store';
import type { Request, Response } from 'express';
import { safeError } from './safe-logging';

export interface InvalidParam {
  name: string;
  reason: string;
}

/** An RFC 9457 problem with a stable `code`; the only error shape the ops API returns. */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super({ code, title, detail, ...extensions }, status);
  }

  static invalid(params: InvalidParam[], detail?: string): ProblemException {
    return new ProblemException(
      HttpStatus.BAD_REQUEST,
      'VALIDATION_FAILED',
      'The request is not valid',
      detail ?? params.map((p) => `${p.name}: ${p.reason}`).join('; '),
      { invalidParams: params },
    );
  }

  static notFound(code: string, detail: string): ProblemException {
    return new ProblemException(HttpStatus.NOT_FOUND, code, 'Not found', detail);
  }
}

const STATUS_OF_KIND: Record<DomainError['kind'], number> = {
  invalid: HttpStatus.BAD_REQUEST,
  'not-found': HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  rule: HttpStatus.UNPROCESSABLE_ENTITY,
};

/** Maps a business refusal to its problem: 400 bad input, 404, 409 conflict, 422 rule. */
export function problemOf(error: DomainError): ProblemException {
  return new ProblemException(STATUS_OF_KIND[error.kind], error.code, titleOf(error.code), error.message, error.details);
}

/** For controllers: the value of a successful result, or the problem of a failed one. */
export function orProblem<T>(result: Result<T, DomainError>): T {
  if (result.ok) return result.value;
  throw problemOf(result.error);
}

function titleOf(code: string): string {
  const words = code.split('.').pop()!.toLowerCase().split('_').join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** class-validator errors → 400 problem naming every field at fault. */
export function validationProblem(errors: ValidationError[]): ProblemException {
  const params: InvalidParam[] = [];
  const walk = (list: ValidationError[], parent: string) => {
    for (const error of list) {
      const name = parent ? `${parent}.${error.property}` : error.property;
      for (const reason of Object.values(error.constraints ?? {})) params.push({ name, reason });
      walk(error.children ?? [], name);
    }
  };
  walk(errors, '');
  return ProblemException.invalid(params);
}

/** Renders every error as `application/problem+json`. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const response = context.getResponse<Response>();
    const request = context.getRequest<Request>();
    const problem = this.toProblem(exception);
    const status = problem.getStatus();
    if (status >= 500) this.logger.error({ msg: 'request failed', err: safeError(exception), path: request.path });
    const body = problem.getResponse() as Record<string, unknown>;
    response
      .status(status)
      .type('application/problem+json')
      .json({ type: 'about:blank', status, instance: request.url, ...body });
  }

  private toProblem(exception: unknown): ProblemException {
    if (exception instanceof ProblemException) return exception;
    if (exception instanceof VersionConflictError) {
      // Retries did not get through (heavy contention on one resource): the client may retry.
      return new ProblemException(HttpStatus.CONFLICT, 'CONCURRENT_UPDATE', 'Concurrent update', 'the resource kept changing; retry the request');
    }
    if (exception instanceof BadRequestException) {
      const response = exception.getResponse() as { message?: unknown };
      const detail = Array.isArray(response.message) ? response.message.join('; ') : String(response.message ?? exception.message);
      return new ProblemException(HttpStatus.BAD_REQUEST, 'BAD_REQUEST', 'Bad request', detail);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = (HttpStatus[status] ?? 'HTTP_ERROR').toString();
      return new ProblemException(status, code, exception.message, exception.message);
    }
    return new ProblemException(HttpStatus.INTERNAL_SERVER_ERROR, 'INTERNAL_ERROR', 'Internal error', 'The server failed; see its logs.');
  }
}
