export * from './lib/test-services';
export * from './lib/http';
export * from './lib/test-auth';
export * from './lib/published-contract';
export * from './lib/policy-learned';
