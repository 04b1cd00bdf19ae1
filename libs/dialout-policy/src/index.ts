export * from './lib/dialout-policy.service';
export * from './lib/dialout-policy.module';
export * from './lib/domain/dialout-policy.catalogue';
export * from './lib/domain/dialout.evaluation';
