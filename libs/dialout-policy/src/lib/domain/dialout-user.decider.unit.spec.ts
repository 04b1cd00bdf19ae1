import { fold } from '@comms-credits/domain-kit';
import { DialoutUserCommand, DialoutUserEvent, dialoutUserDecider } from './dialout-user.decider';

const given = (events: DialoutUserEvent[]) => fold(dialoutUserDecider.evolve, dialoutUserDecider.initialState(), events);
const when = (events: DialoutUserEvent[], command: DialoutUserCommand) => dialoutUserDecider.decide(command, given(events));

const grant = (policyName: string | null): DialoutUserCommand => ({ type: 'GrantUserPolicy', userId: 'alice', policyName });
const granted = (policyName: Extract<DialoutUserEvent, { type: 'UserPolicyGranted' }>['data']['policyName']): DialoutUserEvent => ({
  type: 'UserPolicyGranted',
  data: { userId: 'alice', policyName },
});
const learn = (usageLocation: string | null): DialoutUserCommand => ({ type: 'LearnUsageLocation', userId: 'alice', usageLocation });
const learned = (usageLocation: string | null): DialoutUserEvent => ({ type: 'UsageLocationLearned', data: { userId: 'alice', usageLocation } });

describe('dial-out user decider: policy grants', () => {
  it('grants a user their own policy, once', () => {
    expect(when([], grant('DialoutCPCDomesticPSTNDisabled'))).toEqual({ ok: true, value: [granted('DialoutCPCDomesticPSTNDisabled')] });
    expect(when([granted('DialoutCPCDomesticPSTNDisabled')], grant('DialoutCPCDomesticPSTNDisabled'))).toEqual({ ok: true, value: [] });
  });

  it('replaces a user policy by another', () => {
    expect(when([granted('DialoutCPCDomesticPSTNDisabled')], grant('DialoutCPCandPSTNDisabled'))).toEqual({
      ok: true,
      value: [granted('DialoutCPCandPSTNDisabled')],
    });
  });

  it('removes the user policy with null, and ignores null when there is none', () => {
    expect(when([granted('DialoutCPCandPSTNDisabled')], grant(null))).toEqual({ ok: true, value: [granted(null)] });
    expect(when([], grant(null))).toEqual({ ok: true, value: [] });
    expect(when([granted('DialoutCPCandPSTNDisabled'), granted(null)], grant(null))).toEqual({ ok: true, value: [] });
  });

  it('refuses an unknown policy name', () => {
    expect(when([], grant('DialoutAnywhere'))).toMatchObject({ ok: false, error: { code: 'DIALOUT_POLICY.UNKNOWN_POLICY', kind: 'invalid' } });
  });
});

describe('dial-out user decider: usage location learned from licensing', () => {
  it('records a usage location only when it changes', () => {
    expect(when([], learn('US'))).toEqual({ ok: true, value: [learned('US')] });
    expect(when([learned('US')], learn('US'))).toEqual({ ok: true, value: [] });
    expect(when([learned('US')], learn('FR'))).toEqual({ ok: true, value: [learned('FR')] });
  });

  it('records a removed usage location, but not one that was never known', () => {
    expect(when([learned('US')], learn(null))).toEqual({ ok: true, value: [learned(null)] });
    expect(when([], learn(null))).toEqual({ ok: true, value: [] });
  });

  it('keeps the policy and the usage location apart', () => {
    expect(given([granted('DialoutCPCandPSTNDomestic'), learned('GB')])).toEqual({
      policyName: 'DialoutCPCandPSTNDomestic',
      usageLocation: 'GB',
      awaitingCalls: [],
    });
  });
});

describe('dial-out user decider: calls waiting for the usage location', () => {
  const wait = (callId: string): DialoutUserCommand => ({ type: 'AwaitUsageLocation', userId: 'alice', callId });
  const awaited = (callId: string): DialoutUserEvent => ({ type: 'UsageLocationAwaited', data: { userId: 'alice', callId } });

  it('lists a call waiting for a user whose usage location is unknown, once', () => {
    expect(when([], wait('c-1'))).toEqual({ ok: true, value: [awaited('c-1')] });
    expect(when([awaited('c-1')], wait('c-1'))).toEqual({ ok: true, value: [] });
    expect(given([awaited('c-1'), awaited('c-2')]).awaitingCalls).toEqual(['c-1', 'c-2']);
  });

  it('has nothing to wait for once the usage location is known', () => {
    expect(when([learned('US')], wait('c-1'))).toEqual({ ok: true, value: [] });
  });

  it('empties the list when a usage location is learned (those calls are judged with it), not when none is', () => {
    expect(given([awaited('c-1'), learned('US')]).awaitingCalls).toEqual([]);
    expect(given([learned('US'), learned(null), awaited('c-2'), learned(null)]).awaitingCalls).toEqual(['c-2']);
  });
});
