/** What apps and tests import: the service definition (apps/pool-ledger, system-e2e, ops-console-e2e). */
export { poolLedgerService } from './lib/pool-ledger.service';
