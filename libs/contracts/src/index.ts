// Shared: topics, the wire formats (ids, instants, numbers), the envelope, money, schema decoding.
export * from './lib/topics';
export * from './lib/patterns';
export * from './lib/envelope';
export * from './lib/money';
export * from './lib/schema-registry';
export * from './lib/outbound-call';
// By producer: each file holds the events one producer publishes and the schemas of its topic.
export * from './lib/telephony';
export * from './lib/decisions';
export * from './lib/dialout-policy';
export * from './lib/licensing';
export * from './lib/pool-ledger';
export * from './lib/credit-wallet';
export * from './lib/toll-free';
// What the reporting service reads of every topic, and what it answers over HTTP (types only; also `@comms-credits/contracts/responses`).
export * from './lib/reporting';
export * from './lib/reporting-responses';
