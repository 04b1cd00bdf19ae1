/**
 * What the reporting service answers over HTTP, as plain types: no decorators, no imports, so
 * the ops console's bundle can read them (`@comms-credits/contracts/responses`, types only).
 * The service's own rows, DTOs and the messaging library's dead letters are declared from these,
 * so changing a response's shape fails to compile where the console reads it.
 */

/** One row of the usage report (`GET /tenants/{t}/usage`): the Teams PSTN usage report's columns (design.md, "Reporting service"). */
export interface UsageRow {
  usageId: string;
  callId: string;
  userId: string | null;
  /** One of the contract's `CALL_TYPES`. */
  callType: string | null;
  fromNumber: string | null;
  toNumber: string | null;
  fromCountry: string | null;
  toCountry: string | null;
  startTime: string | null;
  endTime: string | null;
  durationSeconds: number | null;
  charge: string | null;
  connectionFee: string | null;
  currency: string | null;
  capability: string | null;
  funding: string | null;
  poolMinutes: number | null;
  decision: 'admitted' | 'rejected' | null;
  reason: string | null;
  rateCardVersion: string | null;
}

export interface UsagePage {
  items: UsageRow[];
  nextCursor: string | null;
}

/** What a dead letter says of itself without its payload and headers: where it sits, its key and its `dlt-*` facts. */
export interface DeadLetterFacts {
  /** The dead-letter topic as the contract names it (without the namespace prefix). */
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  reason: string;
  error: string;
  originalTopic: string;
  originalPartition: string;
  originalOffset: string;
  consumer: string;
  failedAt: string;
}

/** A dead letter in `GET /dead-letters`: its facts, the tenant it names and a preview of its payload. */
export interface DeadLetterSummary extends DeadLetterFacts {
  /** The tenant the payload (or, failing that, the key) names, when it names a valid one. */
  tenantId: string | null;
  payloadPreview: string | null;
  payloadBytes: number;
  payloadTruncated: boolean;
}

/** One dead letter in full (`GET /dead-letters/{topic}/{partition}/{offset}`). */
export interface DeadLetterDetail extends DeadLetterSummary {
  headers: Record<string, string>;
  /** JSON when it parses, else text, else `{base64}`. */
  payload: unknown;
}

/** The answer of `POST /dead-letters/{topic}/{partition}/{offset}/replay`. */
export interface ReplayOutcome {
  deadLetter: { topic: string; partition: number; offset: string };
  replayedTo: { topic: string; partition: number; offset: string };
  withFixedPayload: boolean;
  tenantId: string;
  eventId: string;
}
