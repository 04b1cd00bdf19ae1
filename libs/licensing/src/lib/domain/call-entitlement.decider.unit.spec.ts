import { deciderSpec } from '@comms-credits/domain-kit';
import { outboundCallFacts } from '@comms-credits/testing';
import { CallEntitlementCommand, CallEntitlementEvent, CallerRecord, ClearedCall, ReferredCall, callEntitlementDecider } from './call-entitlement.decider';

/** alice's meeting dials Paris; stage 1 knew her usage location unless told otherwise. */
const cleared = (overrides: Partial<ClearedCall> = {}): ClearedCall => ({ ...outboundCallFacts('c-1'), ...overrides });
/** Cleared before stage 1 had learned the user's usage location (CallCleared v2). */
const clearedBlind = (overrides: Partial<ClearedCall> = {}) => cleared({ usageLocation: null, domestic: null, ...overrides });
const NOBODY: CallerRecord = { usageLocation: null, licenses: [] };

const stage2 = deciderSpec(callEntitlementDecider);
/** Given the call's history, when licensing entitles the call: the events (stage 2 never refuses a command). */
function when(call: ClearedCall, caller: CallerRecord, history: CallEntitlementEvent[] = []) {
  const outcome = stage2.given(history).when({ type: 'Entitle', call, caller });
  expect(outcome.error).toBeUndefined();
  return outcome.events;
}

describe('stage 2 decider: facts stage 1 could not know (issue 11)', () => {
  it("given a dial-out cleared before stage 1 knew the organizer, when licensing knows her in the US, then CallEntitled carries her usage location and 'international'", () => {
    const [entitled] = when(clearedBlind(), { usageLocation: 'US', licenses: ['OFFICE_365_E5'] });
    expect(entitled).toEqual({
      type: 'CallEntitled',
      data: { ...cleared(), usageLocation: 'US', domestic: false, poolEligible: true, creditsLicensed: false, capability: 'MCOMEETADD' },
    });
  });

  it("given a user's call cleared blind, when licensing knows the caller in the US on a domestic plan, then a US number is domestic and the plan admits it", () => {
    const call = clearedBlind({ callType: 'user_out', to: '+14255550123', destinationCountry: 'US' });
    expect(when(call, { usageLocation: 'US', licenses: ['PHONE_SYSTEM', 'DOMESTIC_CALLING_PLAN'] })[0]).toEqual({
      type: 'CallAdmitted',
      data: { callId: 'c-1', funding: 'calling-plan', maxDurationSeconds: null, decidedBy: 'licensing', capability: 'MCOPSTN1' },
    });
    // On the international plan the same domestic call is admitted under MCOPSTN2, the licence the user holds.
    expect(when(call, { usageLocation: 'US', licenses: ['PHONE_SYSTEM', 'INTERNATIONAL_CALLING_PLAN'] })[0]).toMatchObject({
      type: 'CallAdmitted',
      data: { funding: 'calling-plan', capability: 'MCOPSTN2' },
    });
    // The same number from a French caller is international: refused without the credits licence.
    expect(when(call, { usageLocation: 'FR', licenses: ['PHONE_SYSTEM', 'DOMESTIC_CALLING_PLAN'] })[0]).toMatchObject({
      type: 'CallRejected',
      data: { reason: 'NO_COMMUNICATIONS_CREDITS_LICENSE' },
    });
  });

  it('keeps the facts stage 1 judged with when it knew them', () => {
    const [entitled] = when(cleared(), { usageLocation: 'FR', licenses: ['OFFICE_365_E5'] });
    expect(entitled).toMatchObject({ type: 'CallEntitled', data: { usageLocation: 'US', domestic: false } });
  });

  it('admits an emergency call free from a caller licensing has never seen', () => {
    const call = clearedBlind({ callType: 'user_out', to: '911', destinationCountry: 'US', emergency: true });
    expect(when(call, NOBODY)).toEqual([
      { type: 'CallAdmitted', data: { callId: 'c-1', funding: 'free', maxDurationSeconds: null, decidedBy: 'licensing', capability: null } },
      { type: 'CallUsageClassified', data: { callId: 'c-1', userId: 'alice', capability: null, outcome: 'admitted', startedAt: '2026-11-24T10:00:00.000Z' } },
    ]);
  });

  it('refuses for the missing licence what a user unknown to both stages dials', () => {
    expect(when(clearedBlind(), NOBODY)[0]).toMatchObject({ type: 'CallRejected', data: { reason: 'NO_AUDIO_CONFERENCING_LICENSE' } });
    expect(when(clearedBlind({ callType: 'user_out' }), NOBODY)[0]).toMatchObject({ type: 'CallRejected', data: { reason: 'NO_PHONE_SYSTEM_LICENSE' } });
  });

  it('decides once per call', () => {
    const first = when(clearedBlind(), { usageLocation: 'US', licenses: ['OFFICE_365_E5'] });
    expect(when(clearedBlind(), { usageLocation: 'US', licenses: ['OFFICE_365_E5'] }, first)).toEqual([]);
  });
});

describe('stages 1 and 2 in one decision (screened in licensing)', () => {
  const started: ReferredCall = {
    callId: 'c-9',
    callType: 'conf_out',
    userId: 'alice',
    from: '+14255550100',
    to: '+33142685300',
    startedAt: '2026-11-24T10:00:00.000Z',
    startedEventId: '6f0c1b9e-0000-4000-8000-000000000001',
  };
  const alice = { usageLocation: 'US', licenses: ['OFFICE_365_E5'] as const };
  const screen = (overrides: Partial<Extract<CallEntitlementCommand, { type: 'ScreenAndEntitle' }>> = {}, history: CallEntitlementEvent[] = []) =>
    stage2.given(history).when({ type: 'ScreenAndEntitle', call: started, caller: alice, userPolicy: null, globalPolicy: null, ...overrides }).events;

  it('clears by the Global policy and entitles in the same decision; the hand-over carries no policy', () => {
    const events = screen();
    expect(events.map((e) => e.type)).toEqual(['CallScreened', 'CallEntitled', 'CallUsageClassified']);
    expect(events[0]!.data).toEqual({
      callId: 'c-9',
      callType: 'conf_out',
      userId: 'alice',
      policyName: 'DialoutCPCandPSTNInternational',
      policySource: 'global',
      control: 'CPC',
      outcome: 'cleared',
      destinationCountry: 'FR',
      domestic: false,
    });
    expect(events[1]!.data).toEqual({ ...outboundCallFacts('c-9'), poolEligible: true, creditsLicensed: false, capability: 'MCOMEETADD' });
  });

  it("refuses what the user's own policy refuses as the dial-out policy would, and never entitles it", () => {
    expect(screen({ userPolicy: 'DialoutCPCDomesticPSTNDisabled' })).toEqual([
      {
        type: 'CallScreened',
        data: expect.objectContaining({
          policyName: 'DialoutCPCDomesticPSTNDisabled',
          policySource: 'user',
          control: 'CPC',
          outcome: 'blocked',
          destinationCountry: null,
        }),
      },
      {
        type: 'CallRejected',
        data: {
          callId: 'c-9',
          reason: 'DIALOUT_POLICY_BLOCKED',
          decidedBy: 'dialout-policy',
          details: expect.objectContaining({ control: 'CPC', policyName: 'DialoutCPCDomesticPSTNDisabled' }),
        },
      },
    ]);
  });

  it('screens or refers a call once, and a clearance of a call screened here adds nothing', () => {
    const referred = stage2.given().when({ type: 'Refer', call: started, reason: 'POLICIES_NOT_KNOWN' }).events;
    expect(referred).toEqual([{ type: 'CallReferred', data: { ...started, reason: 'POLICIES_NOT_KNOWN' } }]);
    // Referred: licensing no longer screens it, but entitles the dial-out policy service's clearance.
    expect(screen({}, referred)).toEqual([]);
    expect(stage2.given(referred).when({ type: 'Entitle', call: cleared({ callId: 'c-9' }), caller: alice }).events[0]).toMatchObject({ type: 'CallEntitled' });
    // Screened here: neither a referral nor a clearance changes anything.
    const screened = screen();
    expect(stage2.given(screened).when({ type: 'Refer', call: started, reason: 'USER_NOT_KNOWN' }).events).toEqual([]);
    expect(stage2.given(screened).when({ type: 'Entitle', call: cleared({ callId: 'c-9' }), caller: alice }).events).toEqual([]);
    expect(screen({}, screened)).toEqual([]);
  });
});
