/**
 * Kafka topics of the public contract (design.md). Every topic is keyed by `tenantId` and
 * created explicitly at start-up; each has a dead-letter twin `<topic>.dlt`.
 */
export const Topics = {
  CallStarted: 'telephony.call-started',
  CallEnded: 'telephony.call-ended',
  CallDecisions: 'calls.decisions',
  LicensingEvents: 'licensing.events',
  DialoutPolicyEvents: 'dialout-policy.events',
  PoolLedgerEvents: 'pool-ledger.events',
  CreditWalletEvents: 'credit-wallet.events',
  TollFreeEvents: 'toll-free.events',
} as const;

export type Topic = (typeof Topics)[keyof typeof Topics];

export const DEAD_LETTER_SUFFIX = '.dlt';

export function deadLetterTopicOf(topic: string): string {
  return `${topic}${DEAD_LETTER_SUFFIX}`;
}

/** Every topic of the contract followed by its dead-letter topic. */
export const ALL_TOPICS: readonly string[] = Object.values(Topics).flatMap((topic) => [topic, deadLetterTopicOf(topic)]);

/**
 * Headers written on a dead-lettered message (values are strings; design.md "Operability").
 * The original key, value and headers are kept as they were.
 */
export const DeadLetterHeaders = {
  /** A stable code: MESSAGE_TOO_LARGE, NESTING_TOO_DEEP, INVALID_UTF8, INVALID_JSON, SCHEMA_INVALID, UNKNOWN_VERSION, PROCESSING_FAILED. */
  Reason: 'dlt-reason',
  /** What went wrong, for a person. */
  Error: 'dlt-error',
  /** The broker's topic name (with any namespace prefix), partition and offset it was read at. */
  OriginalTopic: 'dlt-original-topic',
  OriginalPartition: 'dlt-original-partition',
  OriginalOffset: 'dlt-original-offset',
  /** The consumer group that gave up on it. */
  Consumer: 'dlt-consumer',
  Attempts: 'dlt-attempts',
  FailedAt: 'dlt-failed-at',
} as const;
