export * from './lib/credit-wallet.service';
export * from './lib/credit-wallet.module';
