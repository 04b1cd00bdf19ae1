export * from './lib/toll-free.service';
export * from './lib/toll-free.module';
export * from './lib/domain/quota';
export * from './lib/domain/toll-free.errors';
export * from './lib/domain/toll-free-account.decider';
export * from './lib/domain/inbound-admission';
export * from './lib/domain/inbound-call.decider';
export * from './lib/inventory/sample-inventory';
