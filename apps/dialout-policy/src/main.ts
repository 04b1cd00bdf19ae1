import { runServiceCli } from '@comms-credits/platform';
import { dialoutPolicyService } from '@comms-credits/dialout-policy';

void runServiceCli(dialoutPolicyService, process.argv.slice(2));
