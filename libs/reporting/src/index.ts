/** What apps, tests and tools import: the service definition, and the reconciliation that `npm run reconcile` and the e2e test run. */
export { reportingService } from './lib/reporting.service';
export { reconcileFromApis } from './lib/application/reconcile';
