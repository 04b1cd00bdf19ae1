import { runServiceCli } from '@comms-credits/platform';
import { licensingService } from '@comms-credits/licensing';

void runServiceCli(licensingService, process.argv.slice(2));
