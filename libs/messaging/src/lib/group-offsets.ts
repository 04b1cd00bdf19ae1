import { Admin } from 'kafkajs';

/**
 * A topic that a new version reads in another consumer group (a service's main group hands it to
 * its bookkeeping group, or takes it back) goes on from where the old group stopped, instead of
 * the new group reading the topic's history from the beginning, or from a position it kept from
 * an older version still: replayed, old facts would be applied again (a balance of months ago
 * suspending toll-free numbers for a moment, a usage location long replaced coming back, a call
 * long decided screened again). licensing's main group read `telephony.call-started` before
 * session 5, its bookkeeping group from then, its main group again since session 9.
 *
 * So each partition of the new group goes to the later of its own position and the old group's,
 * before it joins. Kafka sets a group's offsets only while it has no members: when several
 * instances start at once the first one sets them (they take turns, see KafkaBatchTransport) and
 * the others find them there. A group that refuses because it has members and is still behind
 * is run by instances of the previous version: this one does not start, rather than read the
 * topic from where those leave it.
 *
 * Returns the topics whose positions were carried over.
 */
export async function carryOverOffsets(admin: Admin, from: string, to: string, topics: readonly string[]): Promise<string[]> {
  const carried: string[] = [];
  for (const topic of topics) {
    const behind = async () => {
      const [own] = await retried(() => admin.fetchOffsets({ groupId: to, topics: [topic] }));
      const [old] = await retried(() => admin.fetchOffsets({ groupId: from, topics: [topic] }));
      const mine = new Map((own?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
      return (old?.partitions ?? [])
        .filter((p) => BigInt(p.offset) >= 0n && BigInt(p.offset) > (mine.get(p.partition) ?? -1n))
        .map(({ partition, offset }) => ({ partition, offset }));
    };
    const partitions = await behind();
    if (partitions.length === 0) continue;
    try {
      await admin.setOffsets({ groupId: to, topic, partitions });
      carried.push(topic);
    } catch (error) {
      if (!/must have no running instances/.test((error as Error)?.message ?? '')) throw error;
      // Another instance of this version joined first, from the position this would have set; or
      // instances of the previous version still run in the group, behind.
      const still = await behind();
      if (still.length > 0) {
        throw new Error(
          `consumer group ${to} is behind ${from} on ${topic} (partitions ${still.map((p) => p.partition).join(', ')}) and has running members: ` +
            `stop every instance of the previous version, then start this one`,
        );
      }
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
