export * from './lib/config';
export * from './lib/problem';
export * from './lib/database';
export * from './lib/service-definition';
export * from './lib/platform.module';
export * from './lib/bootstrap';
export * from './lib/if-match';
export * from './lib/auth';
