/** Socket-level codes: the peer is unreachable, not the message wrong. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
]);

/**
 * Errors that say the infrastructure is unwell rather than the message: a lost connection,
 * an unreachable host, a server shutting down, a deadlock or serialization failure, too many
 * connections. Such a failure is retried without end (with back-off) and never dead-letters a
 * message. Wrapped errors count by their cause (TypeORM's `driverError`, `cause`, and the
 * `errors` of an AggregateError, which Node raises when every address of a host refuses).
 */
export function isTransientError(error: unknown, depth = 0): boolean {
  const e = error as {
    code?: string;
    driverError?: unknown;
    cause?: unknown;
    errors?: unknown[];
    name?: string;
    message?: string;
    syscall?: string;
  };
  if (!e || typeof e !== 'object' || depth > 5) return false;
  const code = typeof e.code === 'string' ? e.code : '';
  if (NETWORK_CODES.has(code)) return true;
  // A Unix socket that is not there: PostgreSQL removes its own while it restarts.
  if (code === 'ENOENT' && e.syscall === 'connect') return true;
  // PostgreSQL: connection exceptions, insufficient resources, operator intervention, deadlock, serialization.
  if (/^(08|53|57P)/.test(code) || code === '40001' || code === '40P01') return true;
  if (
    [
      'KafkaJSConnectionError',
      'KafkaJSNumberOfRetriesExceeded',
      'KafkaJSConnectionClosedError',
      'KafkaJSRequestTimeoutError',
      'KafkaJSBrokerNotFound',
    ].includes(e.name ?? '')
  ) {
    return true;
  }
  if (
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Driver not Connected|Cannot use a pool after calling end|Connection is closed/i.test(
      e.message ?? '',
    )
  ) {
    return true;
  }
  const causes = [e.driverError, e.cause, ...(Array.isArray(e.errors) ? e.errors : [])];
  return causes.some((cause) => cause !== undefined && cause !== error && isTransientError(cause, depth + 1));
}

/** Another writer moved a stream first (a rebalance overlap, an HTTP command): decide again, a bounded number of times. */
export function isVersionConflict(error: unknown): boolean {
  return (error as { name?: string })?.name === 'VersionConflictError';
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

export function errorCode(error: unknown): string {
  const e = error as { code?: unknown };
  return typeof e?.code === 'string' ? e.code : error instanceof Error ? error.name : 'UNKNOWN';
}
