import { StreamTarget } from '@comms-credits/event-store';
import { dialoutTenantStreamId } from '../domain/dialout-tenant.decider';
import { dialoutUserStreamId } from '../domain/dialout-user.decider';

/** Where each aggregate of the service lives in its event store. */
export const DialoutStreams = {
  tenant: (tenantId: string): StreamTarget => ({ streamId: dialoutTenantStreamId(tenantId), streamType: 'dialout-tenant', tenantId }),
  user: (tenantId: string, userId: string): StreamTarget => ({ streamId: dialoutUserStreamId(tenantId, userId), streamType: 'dialout-user', tenantId }),
};
