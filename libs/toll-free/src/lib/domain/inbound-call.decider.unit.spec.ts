import { deciderSpec } from '@comms-credits/domain-kit';
import { InboundCall, InboundCallEvent, inboundCallDecider } from './inbound-call.decider';
import { TenantNumber } from './inbound-admission';

const call = (to: string, overrides: Partial<InboundCall> = {}): InboundCall => ({
  callId: 'c-1',
  callType: 'ucap_in',
  from: '+14255550100',
  to,
  startedAt: '2026-11-24T10:00:00.000Z',
  ...overrides,
});
const inbound = deciderSpec(inboundCallDecider);
/** Given the call's history, when toll-free admits a call to `to`: the events it decides. */
const admit = (to: string, number?: TenantNumber, history: InboundCallEvent[] = []) => {
  const outcome = inbound.given(history).when({ type: 'Admit', call: call(to), number });
  expect(outcome.error).toBeUndefined();
  return outcome.events;
};

describe('inbound admission (toll-free stage)', () => {
  it('routes a call to an active toll-free number of the tenant to the wallet, with the number country', () => {
    expect(admit('+18555550200', { country: 'CA', suspended: false })).toEqual([
      {
        type: 'TollFreeCallRouted',
        data: { callId: 'c-1', callType: 'ucap_in', from: '+14255550100', to: '+18555550200', startedAt: '2026-11-24T10:00:00.000Z', numberCountry: 'CA' },
      },
    ]);
  });

  it('rejects a call to a suspended number of the tenant', () => {
    expect(admit('+18005550100', { country: 'US', suspended: true })).toMatchObject([
      { type: 'CallRejected', data: { callId: 'c-1', reason: 'TOLL_FREE_NUMBER_SUSPENDED', decidedBy: 'toll-free', details: { number: '+18005550100' } } },
    ]);
  });

  it('rejects a call to a toll-free number the tenant does not hold', () => {
    expect(admit('+448081570000')).toMatchObject([{ type: 'CallRejected', data: { reason: 'TOLL_FREE_NUMBER_UNKNOWN', decidedBy: 'toll-free' } }]);
  });

  it('admits any other inbound call as free', () => {
    expect(admit('+14255550123')).toEqual([
      { type: 'CallAdmitted', data: { callId: 'c-1', funding: 'free', maxDurationSeconds: null, decidedBy: 'toll-free' } },
    ]);
  });

  it('decides once per call, whatever the repeats', () => {
    const first = admit('+14255550123');
    expect(admit('+18005550100', { country: 'US', suspended: false }, first)).toEqual([]);
  });
});
