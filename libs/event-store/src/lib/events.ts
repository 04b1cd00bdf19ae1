/** An event about to be appended: its contract type alias, schema version and payload. */
export interface NewEvent<Type extends string = string, Data = Record<string, unknown>> {
  type: Type;
  data: Data;
  /** Schema version of `type`; 1 unless the payload shape has changed. */
  version?: number;
  /** Defaults to a random UUID; pass one to make the append idempotent. */
  eventId?: string;
  /** Defaults to now. */
  occurredAt?: Date;
  metadata?: EventMetadata;
}

export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  [key: string]: unknown;
}

/** An event as stored, with its place in its stream and in the store's global order. */
export interface RecordedEvent<Type extends string = string, Data = Record<string, unknown>> {
  eventId: string;
  type: Type;
  version: number;
  data: Data;
  metadata: EventMetadata;
  streamId: string;
  streamType: string;
  tenantId: string;
  /** Position in the stream, from 1. */
  streamPosition: number;
  /** Position in the store; a decimal string, as pg returns BIGINT (never compare as numbers). */
  globalPosition: string;
  /** Id of the writing transaction (xid8), as a decimal string. */
  transactionId: string;
  occurredAt: Date;
}

/** Where a stream is expected to be before an append. */
export type ExpectedVersion = number | 'no_stream' | 'any';

export function expectedVersionNumber(expected: ExpectedVersion): number {
  if (expected === 'no_stream') return 0;
  if (expected === 'any') return -1;
  if (!Number.isInteger(expected) || expected < 0) {
    throw new RangeError(`expected version must be a non-negative integer, got ${expected}`);
  }
  return expected;
}
