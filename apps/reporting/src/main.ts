import { runServiceCli } from '@comms-credits/platform';
import { reportingService } from '@comms-credits/reporting';

void runServiceCli(reportingService, process.argv.slice(2));
