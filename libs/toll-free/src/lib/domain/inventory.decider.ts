import { Decider, DomainEvent, ok } from '@comms-credits/domain-kit';

/**
 * The toll-free numbers of one country the service can hand out (stream
 * `toll-free-inventory:<country>`). Stocking is idempotent: only numbers not stocked yet are
 * recorded, so seeding the same data at every start-up appends nothing after the first.
 * Who holds a number is the tenants' accounts' business, not the inventory's.
 */
export type InventoryEvent = DomainEvent<'TollFreeNumbersStocked', { country: string; numbers: string[] }>;
export type InventoryCommand = { type: 'Stock'; country: string; numbers: readonly string[] };
export type InventoryState = ReadonlySet<string>;

export const inventoryDecider: Decider<InventoryCommand, InventoryEvent, InventoryState> = {
  initialState: () => new Set<string>(),
  evolve: (state, event) => new Set([...state, ...event.data.numbers]),
  decide: ({ country, numbers }, stocked) => {
    const fresh = [...new Set(numbers)].filter((number) => !stocked.has(number));
    return ok(fresh.length === 0 ? [] : [{ type: 'TollFreeNumbersStocked', data: { country, numbers: fresh } }]);
  },
};
