/**
 * "Settled": every service has consumed everything on every topic it reads (consumer-group lag
 * 0: committed offset = end of every partition, for each service's group and its bookkeeping
 * group, `<service>.bookkeeping`, which reads the topics it only logs) and has published
 * everything it stored (outbox_backlog_events 0 on GET /metrics), and the pool and wallet read
 * models hold the expected books (books.ts). The first two are read here.
 */
import { Admin, AssignerProtocol, Kafka, logLevel } from 'kafkajs';
import { listenerPid } from './cpu';
import { OPTIONAL_SERVICES, SERVICES, urlOf } from './system';

export class SettleProbe {
  private readonly admin: Admin;

  constructor(brokers: string) {
    const kafka = new Kafka({ clientId: `bench-e2e-admin-${process.pid}`, brokers: brokers.split(','), logLevel: logLevel.NOTHING });
    this.admin = kafka.admin();
  }

  connect(): Promise<void> {
    return this.admin.connect();
  }

  disconnect(): Promise<void> {
    return this.admin.disconnect();
  }

  /**
   * The topics a group subscribes now (its members' metadata), or none when it has no member. A
   * topic a group no longer reads (moved to the other group) keeps its old offsets, which would
   * never catch up.
   */
  private async subscribedBy(groupId: string): Promise<Set<string>> {
    const { groups } = await this.admin.describeGroups([groupId]);
    const subscribed = new Set<string>();
    for (const member of groups[0]?.members ?? []) {
      if (member.memberMetadata.length) AssignerProtocol.MemberMetadata.decode(member.memberMetadata)?.topics.forEach((t) => subscribed.add(t));
    }
    return subscribed;
  }

  /** Total lag per service over its groups (service name = its group id, and `<name>.bookkeeping`), on every topic they read. */
  async lag(): Promise<Record<string, number>> {
    const ends = new Map<string, Map<number, bigint>>();
    const endsOf = async (topic: string) => {
      let byPartition = ends.get(topic);
      if (!byPartition) {
        const offsets = await this.admin.fetchTopicOffsets(topic);
        byPartition = new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
        ends.set(topic, byPartition);
      }
      return byPartition;
    };
    const result: Record<string, number> = {};
    // An optional service counts only while it runs: a stale group of an earlier run would never catch up.
    const running = OPTIONAL_SERVICES.filter((s) => listenerPid(s.port) !== undefined);
    for (const service of [...SERVICES, ...running]) {
      let lag = 0n;
      const groupIds = [service.name, `${service.name}.bookkeeping`];
      const subscribed = await Promise.all(groupIds.map((groupId) => this.subscribedBy(groupId)));
      for (const [i, groupId] of groupIds.entries()) {
        const topics = await this.admin.fetchOffsets({ groupId });
        // A group without members counts on the topics it committed, but not those the other group reads now
        // (a version that moved every topic of a group to the other leaves the old group's offsets behind for ever).
        const reads = subscribed[i]!.size > 0 ? subscribed[i]! : new Set(topics.map((t) => t.topic).filter((t) => !subscribed[1 - i]!.has(t)));
        for (const { topic, partitions } of topics) {
          if (topic.endsWith('.dlt') || !reads.has(topic)) continue;
          const high = await endsOf(topic);
          for (const { partition, offset } of partitions) {
            const end = high.get(partition) ?? 0n;
            const committed = BigInt(offset) < 0n ? 0n : BigInt(offset);
            if (end > committed) lag += end - committed;
          }
        }
      }
      result[service.name] = Number(lag);
    }
    return result;
  }
}

/** outbox_backlog_events of each service's GET /metrics (no token needed). */
export async function outboxBacklog(): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  await Promise.all(
    SERVICES.map(async (service) => {
      try {
        const text = await (await fetch(`${urlOf(service.name)}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
        const line = text.split('\n').find((l) => l.startsWith('outbox_backlog_events'));
        result[service.name] = line ? Number(line.trim().split(/\s+/).pop()) : NaN;
      } catch {
        result[service.name] = NaN;
      }
    }),
  );
  return result;
}
