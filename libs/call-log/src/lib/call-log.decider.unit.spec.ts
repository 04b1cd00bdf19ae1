import { randomUUID } from 'node:crypto';
import { CallEndedV1, CallStartedV1 } from '@comms-credits/contracts';
import { deciderSpec } from '@comms-credits/domain-kit';
import { CallLogEvent, callLogDecider } from './call-log.decider';

const started = Object.assign(new CallStartedV1(), {
  eventId: randomUUID(),
  type: 'CallStarted' as const,
  version: 1 as const,
  occurredAt: '2026-11-24T10:00:00.000Z',
  tenantId: 'contoso',
  callId: 'c-1',
  callType: 'conf_out' as const,
  userId: 'alice',
  from: '+14255550100',
  to: '+33142685300',
});
const ended = Object.assign(new CallEndedV1(), {
  eventId: randomUUID(),
  type: 'CallEnded' as const,
  version: 1 as const,
  occurredAt: '2026-11-24T11:00:00.000Z',
  tenantId: 'contoso',
  callId: 'c-1',
  durationSeconds: 3600,
});

const callLog = deciderSpec(callLogDecider);

describe('call log decider', () => {
  it('records a start once', () => {
    const first = callLog.given().when({ type: 'ObserveStart', event: started });
    expect(first.events).toMatchObject([{ type: 'CallStartObserved', data: { callId: 'c-1', to: '+33142685300' } }]);
    const again = first.and.when({ type: 'ObserveStart', event: started });
    expect(again.error).toBeUndefined();
    expect(again.events).toEqual([]);
  });

  it('records an end that arrives before the start, and the start after it', () => {
    const end = callLog.given().when({ type: 'ObserveEnd', event: ended });
    expect(end.events).toMatchObject([{ type: 'CallEndObserved', data: { durationSeconds: 3600 } }]);
    expect(end.and.when({ type: 'ObserveStart', event: started }).events).toMatchObject([{ type: 'CallStartObserved' }]);
  });

  it('ignores a second end with another event id', () => {
    const endedOnce: CallLogEvent = { type: 'CallEndObserved', data: { callId: 'c-1', durationSeconds: 5, endedAt: '', sourceEventId: 'x' } };
    const again = callLog.given([endedOnce]).when({ type: 'ObserveEnd', event: { ...ended, eventId: randomUUID() } });
    expect(again.error).toBeUndefined();
    expect(again.events).toEqual([]);
  });
});
