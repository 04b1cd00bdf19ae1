import { randomUUID } from 'node:crypto';
import { CallEndedV1, CallStartedV1 } from '@comms-credits/contracts';
import { fold } from '@comms-credits/domain-kit';
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

function given(events: CallLogEvent[]) {
  return fold(callLogDecider.evolve, callLogDecider.initialState(), events);
}

describe('call log decider', () => {
  it('records a start once', () => {
    const first = callLogDecider.decide({ type: 'ObserveStart', event: started }, given([]));
    expect(first).toMatchObject({ ok: true, value: [{ type: 'CallStartObserved', data: { callId: 'c-1', to: '+33142685300' } }] });
    const again = callLogDecider.decide({ type: 'ObserveStart', event: started }, given(first.ok ? first.value : []));
    expect(again).toEqual({ ok: true, value: [] });
  });

  it('records an end that arrives before the start, and the start after it', () => {
    const end = callLogDecider.decide({ type: 'ObserveEnd', event: ended }, given([]));
    expect(end).toMatchObject({ ok: true, value: [{ type: 'CallEndObserved', data: { durationSeconds: 3600 } }] });
    const start = callLogDecider.decide({ type: 'ObserveStart', event: started }, given(end.ok ? end.value : []));
    expect(start).toMatchObject({ ok: true, value: [{ type: 'CallStartObserved' }] });
  });

  it('ignores a second end with another event id', () => {
    const state = given([{ type: 'CallEndObserved', data: { callId: 'c-1', durationSeconds: 5, endedAt: '', sourceEventId: 'x' } }]);
    expect(callLogDecider.decide({ type: 'ObserveEnd', event: { ...ended, eventId: randomUUID() } }, state)).toEqual({ ok: true, value: [] });
  });
});
