export * from './lib/call-log.decider';
export * from './lib/call-stream';
export * from './lib/call-log.projection';
export * from './lib/call-log.service';
export * from './lib/call-log.controller';
export * from './lib/call-log.consumer';
export * from './lib/call-log.module';
export * from './lib/migrations/1764000000100-call-log';
