import { runServiceCli } from '@comms-credits/platform';
import { creditWalletService } from '@comms-credits/credit-wallet';

void runServiceCli(creditWalletService, process.argv.slice(2));
