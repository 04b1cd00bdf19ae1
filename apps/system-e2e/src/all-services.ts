import { creditWalletService } from '@comms-credits/credit-wallet';
import { dialoutPolicyService } from '@comms-credits/dialout-policy';
import { licensingService } from '@comms-credits/licensing';
import { poolLedgerService } from '@comms-credits/pool-ledger';
import { tollFreeService } from '@comms-credits/toll-free';

export const allServices = [licensingService, dialoutPolicyService, poolLedgerService, creditWalletService, tollFreeService];
export const serviceNames = allServices.map((s) => s.name);
