import { StreamTarget } from '@comms-credits/event-store';

/** A tenant's wallet, `wallet:<tenant>`. */
export function walletStream(tenantId: string): StreamTarget {
  return { streamId: `wallet:${tenantId}`, streamType: 'wallet', tenantId };
}

/** Rate cards belong to no tenant: their streams carry this one (they are never published on Kafka). */
export const RATE_CARD_TENANT = 'rate-cards';

/** One version of the rate card, `rate-card:<version>`, never changed after its publication. */
export function rateCardStream(version: string): StreamTarget {
  return { streamId: `rate-card:${version}`, streamType: 'rate-card', tenantId: RATE_CARD_TENANT };
}
