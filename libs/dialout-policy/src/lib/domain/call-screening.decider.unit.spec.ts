import { CallStarted, CallType } from '@comms-credits/contracts';
import { fold } from '@comms-credits/domain-kit';
import { callStarted } from '@comms-credits/testing';
import { CallScreeningCommand, CallScreeningEvent, callScreeningDecider } from './call-screening.decider';
import { DialoutPolicyName } from './dialout-policy.catalogue';
import { DialoutUserState } from './dialout-user.decider';

/** alice (organizer) dials +33142685300 from +14255550100 unless told otherwise. */
const call = (overrides: Partial<CallStarted> = {}): CallStarted =>
  callStarted({ tenantId: 'contoso', callId: 'c-1', occurredAt: '2026-11-24T10:00:00.000Z', ...overrides });
const usUser = (policyName: DialoutPolicyName | null = null): DialoutUserState => ({ policyName, usageLocation: 'US' });

function given(events: CallScreeningEvent[]) {
  return fold(callScreeningDecider.evolve, callScreeningDecider.initialState(), events);
}

function when(command: Partial<CallScreeningCommand> & { call: CallStarted }, history: CallScreeningEvent[] = []) {
  return callScreeningDecider.decide({ type: 'ScreenCall', user: usUser(), globalPolicy: null, ...command }, given(history));
}

/** The one event of a decision. */
function decision(result: ReturnType<typeof when>): CallScreeningEvent {
  if (!result.ok || result.value.length !== 1) throw new Error(`expected one event, got ${JSON.stringify(result)}`);
  return result.value[0]!;
}

describe('call screening decider (admission stage 1)', () => {
  it('clears a meeting dial-out the default Global policy allows, with every fact the next stage needs', () => {
    expect(when({ call: call() })).toEqual({
      ok: true,
      value: [
        {
          type: 'CallCleared',
          data: {
            callId: 'c-1',
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
            policyName: 'DialoutCPCandPSTNInternational',
            policySource: 'global',
          },
        },
      ],
    });
  });

  it("judges meeting dial-out by the organizer's own CPC control", () => {
    expect(decision(when({ call: call(), user: usUser('DialoutCPCDomesticPSTNInternational') }))).toEqual({
      type: 'CallRejected',
      data: {
        callId: 'c-1',
        reason: 'DIALOUT_POLICY_BLOCKED',
        decidedBy: 'dialout-policy',
        details: { control: 'CPC', policyName: 'DialoutCPCDomesticPSTNInternational', detail: expect.stringContaining('CPC Domestic') },
      },
    });
  });

  it("judges a user's call by the tenant's granted Global policy when the user has none", () => {
    const pstnToFrance = call({ callType: 'user_out' });
    expect(decision(when({ call: pstnToFrance, globalPolicy: 'DialoutCPCandPSTNDomestic' }))).toMatchObject({
      type: 'CallRejected',
      data: { reason: 'DIALOUT_POLICY_BLOCKED', details: { control: 'PSTN', policyName: 'DialoutCPCandPSTNDomestic' } },
    });
    expect(decision(when({ call: pstnToFrance, globalPolicy: 'DialoutCPCandPSTNDomestic', user: usUser('DialoutCPCandPSTNInternational') }))).toMatchObject({
      type: 'CallCleared',
      data: { policyName: 'DialoutCPCandPSTNInternational', policySource: 'user' },
    });
  });

  it('lets a US user under PSTN Disabled call 911, and blocks a call to France', () => {
    const user = usUser('DialoutCPCZoneAPSTNDisabled');
    expect(decision(when({ call: call({ callType: 'user_out', to: '911' }), user }))).toMatchObject({
      type: 'CallCleared',
      data: { to: '911', destinationCountry: 'US', domestic: true, zoneA: true, emergency: true, policySource: 'user' },
    });
    expect(decision(when({ call: call({ callType: 'user_out' }), user }))).toMatchObject({
      type: 'CallRejected',
      data: { reason: 'DIALOUT_POLICY_BLOCKED', details: { control: 'PSTN', policyName: 'DialoutCPCZoneAPSTNDisabled' } },
    });
  });

  it('refuses a number that is not one as INVALID_NUMBER, whatever the policy', () => {
    expect(decision(when({ call: call({ to: '911' }) }))).toMatchObject({
      type: 'CallRejected',
      data: { reason: 'INVALID_NUMBER', details: { control: 'CPC', policyName: 'DialoutCPCandPSTNInternational' } },
    });
  });

  it('refuses the call of a user without a known usage location as UNKNOWN_USER', () => {
    expect(decision(when({ call: call(), user: { policyName: null, usageLocation: null } }))).toMatchObject({
      type: 'CallRejected',
      data: { reason: 'UNKNOWN_USER', decidedBy: 'dialout-policy', details: { control: 'CPC', detail: expect.stringContaining('alice') } },
    });
  });

  it('decides a call once: a repeated CallStarted, with a new event id or another policy, changes nothing', () => {
    const cleared = decision(when({ call: call() }));
    expect(when({ call: call(), user: usUser('DialoutCPCandPSTNDisabled') }, [cleared])).toEqual({ ok: true, value: [] });
    const rejected = decision(when({ call: call(), user: usUser('DialoutCPCandPSTNDisabled') }));
    expect(when({ call: call() }, [rejected])).toEqual({ ok: true, value: [] });
  });

  it.each<CallType>(['conf_in', 'user_in', 'ucap_in'])('leaves %s calls to the next stages', (callType) => {
    expect(when({ call: call({ callType, userId: callType === 'ucap_in' ? undefined : 'alice' }) })).toEqual({ ok: true, value: [] });
  });

  it("ignores the call log's events on the shared call stream", () => {
    const observed = { type: 'CallStartObserved', data: {} } as unknown as CallScreeningEvent;
    expect(decision(when({ call: call() }, [observed]))).toMatchObject({ type: 'CallCleared' });
  });
});
