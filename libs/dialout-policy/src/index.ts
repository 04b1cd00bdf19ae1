export * from './lib/dialout-policy.service';
export * from './lib/dialout-policy.module';
