/**
 * Errors that say the infrastructure is unwell rather than the message: a lost connection,
 * a server shutting down, a deadlock or serialization failure, too many connections. Such a
 * failure is retried without end (with back-off) and never dead-letters a message.
 */
export function isTransientError(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string }; name?: string; retriable?: boolean; message?: string };
  const code = e?.code ?? e?.driverError?.code ?? '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)) return true;
  // PostgreSQL: connection exceptions, insufficient resources, operator intervention, deadlock, serialization.
  if (/^(08|53|57P)/.test(code) || code === '40001' || code === '40P01') return true;
  if (e?.name === 'KafkaJSConnectionError' || e?.name === 'KafkaJSNumberOfRetriesExceeded') return true;
  // Another writer moved a stream first (a rebalance overlap, an HTTP command): decide again.
  if (e?.name === 'VersionConflictError') return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Driver not Connected|Cannot use a pool after calling end/i.test(
    e?.message ?? '',
  );
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

export function errorCode(error: unknown): string {
  const e = error as { code?: unknown };
  return typeof e?.code === 'string' ? e.code : error instanceof Error ? error.name : 'UNKNOWN';
}
