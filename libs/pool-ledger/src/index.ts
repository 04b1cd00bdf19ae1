export * from './lib/pool-ledger.service';
export * from './lib/pool-ledger.module';
export * from './lib/domain/capacity.decider';
export * from './lib/domain/pool-month.decider';
export * from './lib/domain/pool-call.decider';
