import { DomainError, Result, fail, ok } from '@comms-credits/domain-kit';

export const ReportingErrors = {
  InvalidRange: 'REPORTING.INVALID_RANGE',
  RangeTooLong: 'REPORTING.RANGE_TOO_LONG',
  InvalidCursor: 'REPORTING.INVALID_CURSOR',
} as const;

/** The longest range one request may cover (design.md: "up to 12 months"). */
export const MAX_RANGE_MONTHS = 12;

/** `YYYY-MM-DD` (midnight UTC) or an ISO-8601 instant with `Z` or an offset. */
export const DATE_OR_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export interface UsageRange {
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
}

function parseInstant(value: string): Date | null {
  if (!DATE_OR_INSTANT.test(value)) return null;
  const date = new Date(value.length === 10 ? `${value}T00:00:00.000Z` : value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** `date` plus `months` calendar months (UTC), the day clamped to the month's last (31 Jan + 1 = 28/29 Feb). */
export function addMonthsUtc(date: Date, months: number): Date {
  const target = new Date(
    Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1, date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds()),
  );
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  return target;
}

/**
 * The range of a usage request, by start time: `from` inclusive, `to` exclusive. Without `to`,
 * now; without `from`, the start of `to`'s calendar month (UTC). At most 12 calendar months.
 */
export function usageRange(from: string | undefined, to: string | undefined, now: Date): Result<UsageRange, DomainError> {
  const end = to === undefined ? now : parseInstant(to);
  if (end === null)
    return fail(
      new DomainError(ReportingErrors.InvalidRange, `to ${JSON.stringify(to)} is not a date (YYYY-MM-DD) or an ISO-8601 instant`, 'invalid', { field: 'to' }),
    );
  const start = from === undefined ? new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), 1)) : parseInstant(from);
  if (start === null)
    return fail(
      new DomainError(ReportingErrors.InvalidRange, `from ${JSON.stringify(from)} is not a date (YYYY-MM-DD) or an ISO-8601 instant`, 'invalid', {
        field: 'from',
      }),
    );
  if (start.getTime() >= end.getTime())
    return fail(new DomainError(ReportingErrors.InvalidRange, 'from must be earlier than to', 'invalid', { from: start.toISOString(), to: end.toISOString() }));
  if (end.getTime() > addMonthsUtc(start, MAX_RANGE_MONTHS).getTime()) {
    return fail(
      new DomainError(
        ReportingErrors.RangeTooLong,
        `a usage request covers at most ${MAX_RANGE_MONTHS} months; ask for the rest in another request`,
        'invalid',
        {
          from: start.toISOString(),
          to: end.toISOString(),
          latestTo: addMonthsUtc(start, MAX_RANGE_MONTHS).toISOString(),
        },
      ),
    );
  }
  return ok({ from: start, to: end });
}

/** The keyset cursor of a page: the last row's start time and call id, opaque to clients. */
export function encodeCursor(startTime: string, callId: string): string {
  return Buffer.from(JSON.stringify([startTime, callId]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): Result<{ startTime: string; callId: string }, DomainError> {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string' && !Number.isNaN(Date.parse(value[0]))) {
      return ok({ startTime: value[0], callId: value[1] });
    }
  } catch {
    // fall through
  }
  return fail(new DomainError(ReportingErrors.InvalidCursor, 'cursor must be the nextCursor of a previous page', 'invalid'));
}
