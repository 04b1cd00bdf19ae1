export * from './lib/result';
export * from './lib/decider';
