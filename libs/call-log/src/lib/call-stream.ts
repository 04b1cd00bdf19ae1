import { StreamTarget } from '@comms-credits/event-store';

/**
 * One stream per call, `call:<tenant>:<callId>`, shared by the call log and the service's own
 * stage of the call (admission, settlement): each decider folds only its own events of it.
 */
export function callStreamId(tenantId: string, callId: string): string {
  return `call:${tenantId}:${callId}`;
}

/** The call's stream as a target to read, decide and append to: the one way every service names it. */
export function callStream(tenantId: string, callId: string): StreamTarget {
  return { streamId: callStreamId(tenantId, callId), streamType: 'call', tenantId };
}
