import { Injectable, OnModuleInit } from '@nestjs/common';
import { EventStore, Transactions, decideAndAppendBatch, retryOnVersionConflict } from '@comms-credits/event-store';
import { tollFreeInventoryStream } from '../application/toll-free.streams';
import { inventoryDecider } from '../domain/inventory.decider';
import { SAMPLE_INVENTORY } from './sample-inventory';

/**
 * Stocks the inventory at start-up, before the API and the consumers start, as events (so the
 * inventory is rebuilt with the other read models). Idempotent: a number already stocked is
 * not stocked again, and two instances starting together meet a version conflict, retry and
 * then find nothing left to add.
 */
export async function stockInventory(transactions: Transactions, store: EventStore, inventory: Readonly<Record<string, readonly string[]>>): Promise<void> {
  await retryOnVersionConflict(() =>
    transactions.run((sql) =>
      decideAndAppendBatch(
        sql,
        store,
        inventoryDecider,
        Object.entries(inventory).map(([country, numbers]) => ({ target: tollFreeInventoryStream(country), command: { type: 'Stock', country, numbers } })),
      ),
    ),
  );
}

@Injectable()
export class InventorySeeder implements OnModuleInit {
  constructor(
    private readonly transactions: Transactions,
    private readonly store: EventStore,
  ) {}

  onModuleInit(): Promise<void> {
    return stockInventory(this.transactions, this.store, SAMPLE_INVENTORY);
  }
}
