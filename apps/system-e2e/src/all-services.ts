import { creditWalletService } from '@comms-credits/credit-wallet';
import { dialoutPolicyService } from '@comms-credits/dialout-policy';
import { licensingService } from '@comms-credits/licensing';
import { poolLedgerService } from '@comms-credits/pool-ledger';
import { reportingService } from '@comms-credits/reporting';
import { tollFreeService } from '@comms-credits/toll-free';
import { Topics } from '@comms-credits/contracts';

/** The five services of the admission chain: each keeps a call log (`GET /tenants/{t}/calls`). */
export const callLogServices = [licensingService, dialoutPolicyService, poolLedgerService, creditWalletService, tollFreeService];
export const callLogServiceNames = callLogServices.map((s) => s.name);

/** Every service of the running system: the five and the reporting service. */
export const allServices = [...callLogServices, reportingService];
export const serviceNames = allServices.map((s) => s.name);

/**
 * The topics each service reads in its bookkeeping consumer group (`<group>.bookkeeping`,
 * KAFKA_BOOKKEEPING_GATHER_MS), not its main group: what no admission waits on (the call log,
 * settlement, facts learned for later).
 */
const BOOKKEEPING_TOPICS: Record<string, readonly string[]> = {
  // Since session 10 the pool is the front door of outbound calls: licensing decides only those it refers.
  licensing: [Topics.CallStarted, Topics.CallEnded],
  // Since session 9 licensing screens most calls it decides, and dialout-policy only those referred to it.
  'dialout-policy': [Topics.CallStarted, Topics.CallEnded, Topics.LicensingEvents, Topics.PoolLedgerEvents],
  'pool-ledger': [Topics.CallEnded],
  'credit-wallet': [Topics.CallStarted, Topics.CallEnded],
  'toll-free': [Topics.CallEnded, Topics.LicensingEvents, Topics.CreditWalletEvents],
};

/** The consumer group of a service (in a test system's namespace) that reads a topic. */
export function readerOf(prefix: string, service: string, topic: string): string {
  return BOOKKEEPING_TOPICS[service]?.includes(topic) ? `${prefix}${service}.bookkeeping` : `${prefix}${service}`;
}
