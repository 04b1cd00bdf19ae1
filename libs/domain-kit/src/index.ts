export * from './lib/result';
export * from './lib/decider';
export * from './lib/decider-spec';
export * from './lib/restatement';
