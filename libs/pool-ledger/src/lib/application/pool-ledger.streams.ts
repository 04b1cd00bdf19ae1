import { StreamTarget } from '@comms-credits/event-store';
import { callersStreamId } from '../domain/caller-replica.decider';

/** A tenant's pool in one calendar month, `pool:<tenant>:<YYYY-MM>`: every minute granted is reserved on it. */
export function poolMonthStream(tenantId: string, month: string): StreamTarget {
  return { streamId: `pool:${tenantId}:${month}`, streamType: 'pool-month', tenantId };
}

/** What the pool knows of a tenant's licences, `pool-capacity:<tenant>`. */
export function poolCapacityStream(tenantId: string): StreamTarget {
  return { streamId: `pool-capacity:${tenantId}`, streamType: 'pool-capacity', tenantId };
}

/** What the pool has learned of a tenant's users (usage locations, licences), `callers:<tenant>`. */
export function callersStream(tenantId: string): StreamTarget {
  return { streamId: callersStreamId(tenantId), streamType: 'callers', tenantId };
}
