/** An append found its stream at another version than expected (optimistic concurrency). */
export class VersionConflictError extends Error {
  override readonly name = 'VersionConflictError';
  readonly code = 'EVENT_STORE.VERSION_CONFLICT';

  constructor(
    readonly streamIds: string[],
    readonly expected: string,
  ) {
    super(`version conflict on ${streamIds.join(', ')}: stream moved past the expected version ${expected}`);
  }
}

/** PostgreSQL unique_violation on the (stream, position) backstop means a concurrent append. */
export function isUniqueViolationOn(error: unknown, constraint: string): boolean {
  const e = error as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const code = e?.code ?? e?.driverError?.code;
  const name = e?.constraint ?? e?.driverError?.constraint;
  return code === '23505' && name === constraint;
}
