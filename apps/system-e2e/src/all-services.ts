import { creditWalletService } from '@comms-credits/credit-wallet';
import { dialoutPolicyService } from '@comms-credits/dialout-policy';
import { licensingService } from '@comms-credits/licensing';
import { poolLedgerService } from '@comms-credits/pool-ledger';
import { reportingService } from '@comms-credits/reporting';
import { tollFreeService } from '@comms-credits/toll-free';

/** The five services of the admission chain: each keeps a call log (`GET /tenants/{t}/calls`). */
export const callLogServices = [licensingService, dialoutPolicyService, poolLedgerService, creditWalletService, tollFreeService];
export const callLogServiceNames = callLogServices.map((s) => s.name);

/** Every service of the running system: the five and the reporting service. */
export const allServices = [...callLogServices, reportingService];
export const serviceNames = allServices.map((s) => s.name);
