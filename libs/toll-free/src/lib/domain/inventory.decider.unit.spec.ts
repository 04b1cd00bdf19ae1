import { fold } from '@comms-credits/domain-kit';
import { InventoryEvent, inventoryDecider } from './inventory.decider';

const given = (events: InventoryEvent[]) => fold(inventoryDecider.evolve, inventoryDecider.initialState(), events);
const stock = (numbers: string[]) => ({ type: 'Stock' as const, country: 'GB', numbers });

describe('inventory decider', () => {
  it('stocks new numbers once, even when listed twice', () => {
    expect(inventoryDecider.decide(stock(['+448081570000', '+448081570001', '+448081570000']), given([]))).toEqual({
      ok: true,
      value: [{ type: 'TollFreeNumbersStocked', data: { country: 'GB', numbers: ['+448081570000', '+448081570001'] } }],
    });
  });

  it('stocks only what is not stocked yet, so seeding again appends nothing', () => {
    const stocked = given([{ type: 'TollFreeNumbersStocked', data: { country: 'GB', numbers: ['+448081570000'] } }]);
    expect(inventoryDecider.decide(stock(['+448081570000']), stocked)).toEqual({ ok: true, value: [] });
    expect(inventoryDecider.decide(stock(['+448081570000', '+448081570002']), stocked)).toEqual({
      ok: true,
      value: [{ type: 'TollFreeNumbersStocked', data: { country: 'GB', numbers: ['+448081570002'] } }],
    });
  });
});
