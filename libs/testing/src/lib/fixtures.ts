import { randomUUID } from 'node:crypto';
import { CallEnded, CallStarted, CallType } from '@comms-credits/contracts';

/** A v1 `CallStarted` as upstream telephony would publish it. */
export function callStarted(overrides: Partial<CallStarted> & { tenantId: string; callId: string }): CallStarted {
  return {
    eventId: randomUUID(),
    type: 'CallStarted',
    version: 1,
    occurredAt: new Date().toISOString(),
    callType: 'conf_out' as CallType,
    userId: 'alice',
    from: '+14255550100',
    to: '+33142685300',
    ...overrides,
  } as CallStarted;
}

/** A v1 `CallEnded`. */
export function callEnded(overrides: Partial<CallEnded> & { tenantId: string; callId: string; durationSeconds: number }): CallEnded {
  return {
    eventId: randomUUID(),
    type: 'CallEnded',
    version: 1,
    occurredAt: new Date().toISOString(),
    ...overrides,
  } as CallEnded;
}

export function uniqueTenant(label = 'tenant'): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}
