export * from './lib/pool-ledger.service';
export * from './lib/pool-ledger.module';
