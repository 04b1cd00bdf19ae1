export * from './lib/eventually';
export * from './lib/test-kafka';
export * from './lib/fixtures';
export * from './lib/test-infrastructure';
export * from './lib/test-database';
export * from './lib/hostile-messages';
export * from './lib/secure-kafka';
