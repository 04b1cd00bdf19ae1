import { deciderSpec } from '@comms-credits/domain-kit';
import { InventoryCommand, InventoryEvent, inventoryDecider } from './inventory.decider';

const inventory = deciderSpec(inventoryDecider);
/** Given these events, when stocking: the events decided, or the refusal (`error` undefined when accepted). */
const when = (history: InventoryEvent[], command: InventoryCommand) => {
  const { events, error } = inventory.given(history).when(command);
  return { events, error };
};
const stock = (numbers: string[]): InventoryCommand => ({ type: 'Stock', country: 'GB', numbers });

describe('inventory decider', () => {
  it('stocks new numbers once, even when listed twice', () => {
    expect(when([], stock(['+448081570000', '+448081570001', '+448081570000']))).toEqual({
      events: [{ type: 'TollFreeNumbersStocked', data: { country: 'GB', numbers: ['+448081570000', '+448081570001'] } }],
    });
  });

  it('stocks only what is not stocked yet, so seeding again appends nothing', () => {
    const stocked: InventoryEvent[] = [{ type: 'TollFreeNumbersStocked', data: { country: 'GB', numbers: ['+448081570000'] } }];
    expect(when(stocked, stock(['+448081570000']))).toEqual({ events: [] });
    expect(when(stocked, stock(['+448081570000', '+448081570002']))).toEqual({
      events: [{ type: 'TollFreeNumbersStocked', data: { country: 'GB', numbers: ['+448081570002'] } }],
    });
  });
});
