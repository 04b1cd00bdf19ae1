import { StreamTarget } from '@comms-credits/event-store';

/** A tenant's pool in one calendar month, `pool:<tenant>:<YYYY-MM>`: every minute granted is reserved on it. */
export function poolMonthStream(tenantId: string, month: string): StreamTarget {
  return { streamId: `pool:${tenantId}:${month}`, streamType: 'pool-month', tenantId };
}

/** What the pool knows of a tenant's licences, `pool-capacity:<tenant>`. */
export function poolCapacityStream(tenantId: string): StreamTarget {
  return { streamId: `pool-capacity:${tenantId}`, streamType: 'pool-capacity', tenantId };
}
