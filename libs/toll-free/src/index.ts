export * from './lib/toll-free.service';
export * from './lib/toll-free.module';
