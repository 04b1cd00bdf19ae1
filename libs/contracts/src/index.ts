export * from './lib/topics';
export * from './lib/envelope';
export * from './lib/calls';
export * from './lib/schema-registry';
export * from './lib/upstream';
export * from './lib/licensing';
export * from './lib/admission';
export * from './lib/registries';
