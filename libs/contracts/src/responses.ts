// Types only, for the browser: the services' HTTP response shapes, free of decorators and dependencies.
export type * from './lib/reporting-responses';
