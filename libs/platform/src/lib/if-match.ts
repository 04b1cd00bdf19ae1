import { VersionConflictError } from '@comms-credits/event-store';
import { ProblemException } from './problem';

/**
 * Optimistic concurrency at the HTTP edge: a resource's ETag is its stream version (`"3"`); a
 * command sent with `If-Match: "3"` applies only if nobody changed the resource since.
 */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/** The version an `If-Match` header names, undefined when absent; a malformed one is a 400. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '' || header.trim() === '*') return undefined;
  const match = /^(?:W\/)?"(\d{1,15})"$/.exec(header.trim());
  if (!match) {
    throw ProblemException.invalid([{ name: 'If-Match', reason: 'must be an ETag this API returned, such as "3"' }]);
  }
  return Number(match[1]);
}

/** Runs a command sent with If-Match: a version conflict is then the answer, a 412. */
export async function ifMatched<T>(expectedVersion: number | undefined, command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (error) {
    if (expectedVersion !== undefined && error instanceof VersionConflictError) {
      throw new ProblemException(
        412,
        'PRECONDITION_FAILED',
        'Precondition failed',
        `the resource changed since version ${expectedVersion}; read it again (its ETag) and retry`,
      );
    }
    throw error;
  }
}
