/** What apps and tests import: the service definition (apps/licensing, system-e2e, ops-console-e2e). */
export { licensingService } from './lib/licensing.service';
