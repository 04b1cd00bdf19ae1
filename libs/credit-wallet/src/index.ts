/** What apps and tests import: the service definition (apps/credit-wallet, system-e2e, ops-console-e2e). */
export { creditWalletService } from './lib/credit-wallet.service';
