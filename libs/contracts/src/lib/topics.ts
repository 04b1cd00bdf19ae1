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
export const ALL_TOPICS: readonly string[] = Object.values(Topics).flatMap((topic) => [
  topic,
  deadLetterTopicOf(topic),
]);

/** Headers written on a dead-lettered message (values are strings). */
export const DeadLetterHeaders = {
  Error: 'x-dlt-error',
  ErrorCode: 'x-dlt-error-code',
  Consumer: 'x-dlt-consumer',
  SourceTopic: 'x-dlt-source-topic',
  SourcePartition: 'x-dlt-source-partition',
  SourceOffset: 'x-dlt-source-offset',
  Attempts: 'x-dlt-attempts',
  FailedAt: 'x-dlt-failed-at',
} as const;
