import { runServiceCli } from '@comms-credits/platform';
import { poolLedgerService } from '@comms-credits/pool-ledger';

void runServiceCli(poolLedgerService, process.argv.slice(2));
