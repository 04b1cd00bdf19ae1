export * from './lib/credit-wallet.service';
export * from './lib/credit-wallet.module';
export * from './lib/credit-wallet.config';
export { SANDBOX_TOKENS } from './lib/payments/sandbox-payment-gateway.adapter';
