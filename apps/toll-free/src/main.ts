import { runServiceCli } from '@comms-credits/platform';
import { tollFreeService } from '@comms-credits/toll-free';

void runServiceCli(tollFreeService, process.argv.slice(2));
