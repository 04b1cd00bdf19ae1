export * from './lib/licensing.service';
export * from './lib/licensing.module';
export * from './lib/domain/licences';
export * from './lib/domain/entitlement';
export * from './lib/domain/user.decider';
export * from './lib/domain/call-entitlement.decider';
