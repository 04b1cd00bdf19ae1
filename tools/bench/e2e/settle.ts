/**
 * "Settled": every service has consumed everything on every topic it reads (consumer-group lag
 * 0: committed offset = end of every partition, for each of the five groups) and has published
 * everything it stored (outbox_backlog_events 0 on GET /metrics), and the pool and wallet read
 * models hold the expected books (books.ts). The first two are read here.
 */
import { Admin, Kafka, logLevel } from 'kafkajs';
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

  /** Total lag per group (service name = its group id), over every topic it has committed offsets on. */
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
      const topics = await this.admin.fetchOffsets({ groupId: service.name });
      let lag = 0n;
      for (const { topic, partitions } of topics) {
        if (topic.endsWith('.dlt')) continue;
        const high = await endsOf(topic);
        for (const { partition, offset } of partitions) {
          const end = high.get(partition) ?? 0n;
          const committed = BigInt(offset) < 0n ? 0n : BigInt(offset);
          if (end > committed) lag += end - committed;
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
