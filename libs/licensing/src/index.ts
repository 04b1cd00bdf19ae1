export * from './lib/licensing.service';
export * from './lib/licensing.module';
