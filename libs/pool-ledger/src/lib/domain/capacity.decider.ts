import { Sku } from '@comms-credits/contracts';
import { Decider, DomainEvent, ok } from '@comms-credits/domain-kit';

export const MINUTES_PER_LICENCE = 60;

/** SKUs whose PURCHASED seats add to the pool (domain.md decision: "each … licence you purchase"). */
export const PURCHASED_POOL_SKUS: readonly Sku[] = ['OFFICE_365_E5', 'AUDIO_CONFERENCING'];
/** The SKU whose ASSIGNED licences add to the pool. */
export const ASSIGNED_POOL_SKU: Sku = 'AUDIO_CONFERENCING_SELECT_DIAL_OUT';

/**
 * What the pool knows of a tenant's licences (stream `pool-capacity:<tenant>`), learned from
 * `licensing.events`. No seat history is kept: capacity follows the seats live.
 */
export type CapacityEvent =
  DomainEvent<'QualifyingSeatsChanged', { sku: Sku; seats: number }> | DomainEvent<'SelectDialOutLicenseChanged', { userId: string; assigned: boolean }>;

export type CapacityCommand = { type: 'CountSeats'; sku: Sku; seats: number } | { type: 'CountSelectDialOut'; userId: string; assigned: boolean };

export interface CapacityState {
  seats: Partial<Record<Sku, number>>;
  selectDialOutUsers: readonly string[];
}

export const capacityDecider: Decider<CapacityCommand, CapacityEvent, CapacityState> = {
  initialState: () => ({ seats: {}, selectDialOutUsers: [] }),
  evolve: (state, event) => {
    if (event.type === 'QualifyingSeatsChanged') return { ...state, seats: { ...state.seats, [event.data.sku]: event.data.seats } };
    const others = state.selectDialOutUsers.filter((u) => u !== event.data.userId);
    return { ...state, selectDialOutUsers: event.data.assigned ? [...others, event.data.userId] : others };
  },
  decide: (command, state) => {
    if (command.type === 'CountSeats') {
      if (!PURCHASED_POOL_SKUS.includes(command.sku) || state.seats[command.sku] === command.seats) return ok([]);
      return ok([{ type: 'QualifyingSeatsChanged', data: { sku: command.sku, seats: command.seats } }]);
    }
    if (state.selectDialOutUsers.includes(command.userId) === command.assigned) return ok([]);
    return ok([{ type: 'SelectDialOutLicenseChanged', data: { userId: command.userId, assigned: command.assigned } }]);
  },
};

export function capacityMinutes(state: CapacityState): number {
  const purchased = PURCHASED_POOL_SKUS.reduce((sum, sku) => sum + (state.seats[sku] ?? 0), 0);
  return MINUTES_PER_LICENCE * (purchased + state.selectDialOutUsers.length);
}
