export * from './lib/kafka-client';
export * from './lib/topics';
export * from './lib/publisher';
export * from './lib/errors';
export * from './lib/batch-consumer';
export * from './lib/inbox-applier';
export * from './lib/outbox-relay';
export * from './lib/nest/kafka-batch.transport';
