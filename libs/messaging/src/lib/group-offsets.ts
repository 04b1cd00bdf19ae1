import { Admin } from 'kafkajs';

/**
 * A topic that a new version reads in another consumer group (a service's main group hands it to
 * its bookkeeping group, or takes it from it) goes on from where the old group stopped, instead of the new group
 * reading the topic's history from the beginning: replayed, old facts would be applied again
 * (a balance of months ago suspending toll-free numbers for a moment, a usage location long
 * replaced coming back).
 *
 * Only a group with no position of its own on the topic takes the old one, before it joins:
 * Kafka sets a group's offsets only while it has no members, so when several instances start at
 * once the first one sets them and the others find a position already there, or a group that
 * refuses (it has members, which started from that position).
 *
 * Returns the topics whose positions were carried over.
 */
export async function carryOverOffsets(admin: Admin, from: string, to: string, topics: readonly string[]): Promise<string[]> {
  const carried: string[] = [];
  for (const topic of topics) {
    const [own] = await retried(() => admin.fetchOffsets({ groupId: to, topics: [topic] }));
    if (own?.partitions.some((p) => BigInt(p.offset) >= 0n)) continue;
    const [old] = await retried(() => admin.fetchOffsets({ groupId: from, topics: [topic] }));
    const partitions = (old?.partitions ?? []).filter((p) => BigInt(p.offset) >= 0n).map(({ partition, offset }) => ({ partition, offset }));
    if (partitions.length === 0) continue;
    try {
      await admin.setOffsets({ groupId: to, topic, partitions });
      carried.push(topic);
    } catch (error) {
      // Another instance's consumer has joined `to` meanwhile: it began where this would have.
      if (!/must have no running instances/.test((error as Error)?.message ?? '')) throw error;
    }
  }
  return carried;
}

/**
 * A group nobody has used yet has no coordinator at first: the broker answers "not the correct
 * coordinator" (or "loading") until it has one. Those are retriable; others are not.
 */
async function retried<T>(request: () => Promise<T>, attempts = 20, backoffMs = 250): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      if (attempt >= attempts || (error as { retriable?: boolean })?.retriable !== true) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffMs));
    }
  }
}
