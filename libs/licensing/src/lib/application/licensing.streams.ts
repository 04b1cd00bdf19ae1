import { StreamTarget } from '@comms-credits/event-store';

/** A user of a tenant (usage location and assigned licences), `user:<tenant>:<userId>`. */
export function userStream(tenantId: string, userId: string): StreamTarget {
  return { streamId: `user:${tenantId}:${userId}`, streamType: 'user', tenantId };
}

/** A tenant's subscriptions (seats purchased per SKU), `subscriptions:<tenant>`. */
export function subscriptionsStream(tenantId: string): StreamTarget {
  return { streamId: `subscriptions:${tenantId}`, streamType: 'subscriptions', tenantId };
}

/** What licensing has learned of a tenant's dial-out policies, `dialout-policies:<tenant>`. */
export function dialoutPoliciesStream(tenantId: string): StreamTarget {
  return { streamId: `dialout-policies:${tenantId}`, streamType: 'dialout-policies', tenantId };
}
