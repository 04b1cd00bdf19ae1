import { randomUUID } from 'node:crypto';
import { CallEnded, CallStarted, CallType, OutboundCallFacts } from '@comms-credits/contracts';

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

/** The fields of `OutboundCallFacts` (contracts), as plain data. */
export type OutboundCallFactsData = Pick<
  OutboundCallFacts,
  'callId' | 'callType' | 'userId' | 'from' | 'to' | 'destinationCountry' | 'usageLocation' | 'domestic' | 'zoneA' | 'emergency' | 'startedAt'
>;

/**
 * The facts of an outbound call as the admission chain hands them from stage to stage (see
 * `OutboundCallFacts` in contracts): a US organizer dialling Paris unless overridden.
 */
export function outboundCallFacts<Overrides extends object = object>(
  callId: string,
  overrides: Overrides = {} as Overrides,
): Omit<OutboundCallFactsData, keyof Overrides> & Overrides {
  return {
    callId,
    callType: 'conf_out',
    userId: 'alice',
    from: '+14255550100',
    to: '+33142685300',
    destinationCountry: 'FR',
    usageLocation: 'US',
    domestic: false,
    zoneA: true,
    emergency: false,
    startedAt: '2026-11-24T10:00:00.000Z',
    ...overrides,
  };
}

/** A v1 event of a service topic: the envelope and its fields. */
export function serviceEvent(type: string, tenantId: string, fields: Record<string, unknown>): Record<string, unknown> {
  return { eventId: randomUUID(), type, version: 1, occurredAt: new Date().toISOString(), tenantId, ...fields };
}

/**
 * A `CallReferred` made from a started call, as a referring stage publishes it: the pool to
 * licensing (on `pool-ledger.events`), licensing to dialout-policy (on `licensing.events`).
 */
export function callReferred(call: CallStarted, reason: string): Record<string, unknown> {
  return serviceEvent('CallReferred', call.tenantId, {
    callId: call.callId,
    callType: call.callType,
    userId: call.userId,
    from: call.from,
    to: call.to,
    startedAt: call.occurredAt,
    startedEventId: call.eventId,
    reason,
  });
}
