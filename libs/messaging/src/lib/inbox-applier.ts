import { SqlClient, Transactions, recordInInbox } from '@comms-credits/event-store';
import { BatchApplier, ConsumedMessage } from './batch-consumer';

/**
 * Builds the applier of a consumer: in one transaction, record the messages in the inbox and
 * hand only those never seen before (first occurrence within the batch, too) to `handle`.
 */
export function inboxApplier(transactions: Transactions, consumer: string, handle: (sql: SqlClient, fresh: ConsumedMessage[]) => Promise<void>): BatchApplier {
  return (messages) =>
    transactions.run(async (sql) => {
      const fresh = await recordInInbox(
        sql,
        consumer,
        messages.map((m) => ({ eventId: m.event.eventId, topic: m.topic, partition: m.partition, offset: m.offset })),
      );
      const firsts = messages.filter((m) => fresh.delete(m.event.eventId));
      if (firsts.length > 0) await handle(sql, firsts);
    });
}
