import { RejectionReasons } from '@comms-credits/contracts';
import { isTollFreeNumber } from '@comms-credits/telephony';

/** One of the tenant's toll-free numbers, as the admission stage sees it. */
export interface TenantNumber {
  country: string;
  suspended: boolean;
}

export type InboundOutcome =
  /** A number of the tenant that can take calls: its minutes are the wallet's to fund. */
  | { kind: 'route'; numberCountry: string }
  | { kind: 'reject'; reason: string; detail: string }
  /** Not a toll-free number: inbound minutes cost the tenant nothing. */
  | { kind: 'free' };

/**
 * The first stage of inbound admission (design.md): a toll-free number of the tenant goes to
 * the wallet, unless it is suspended; a toll-free number that is not the tenant's is refused;
 * any other inbound call is free. `held` is the called number when the tenant holds it. Pure.
 */
export function admitInbound(to: string, held: TenantNumber | undefined): InboundOutcome {
  if (held?.suspended) {
    return { kind: 'reject', reason: RejectionReasons.TollFreeNumberSuspended, detail: `${to} is suspended until the wallet is funded again` };
  }
  if (held) return { kind: 'route', numberCountry: held.country };
  if (isTollFreeNumber(to)) {
    return { kind: 'reject', reason: RejectionReasons.TollFreeNumberUnknown, detail: `${to} is not one of the tenant's toll-free numbers` };
  }
  return { kind: 'free' };
}
