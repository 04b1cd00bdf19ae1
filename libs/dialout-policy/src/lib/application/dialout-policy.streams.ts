import { StreamTarget } from '@comms-credits/event-store';
import { dialoutTenantStreamId } from '../domain/dialout-tenant.decider';
import { dialoutUserStreamId } from '../domain/dialout-user.decider';

/** A tenant's Global dial-out policy, `dialout-tenant:<tenant>` (the id is the decider's). */
export function dialoutTenantStream(tenantId: string): StreamTarget {
  return { streamId: dialoutTenantStreamId(tenantId), streamType: 'dialout-tenant', tenantId };
}

/** What the service knows of a user, `dialout-user:<tenant>:<userId>` (the id is the decider's). */
export function dialoutUserStream(tenantId: string, userId: string): StreamTarget {
  return { streamId: dialoutUserStreamId(tenantId, userId), streamType: 'dialout-user', tenantId };
}
