import { CallStarted, CallType } from '@comms-credits/contracts';
import { fold } from '@comms-credits/domain-kit';
import { callStarted } from '@comms-credits/testing';
import { CallScreeningCommand, CallScreeningEvent, callScreeningDecider } from './call-screening.decider';
import { DialoutPolicyName } from '@comms-credits/dialout-rules';
import { DialoutUserState } from './dialout-user.decider';

/** alice (organizer) dials +33142685300 from +14255550100 unless told otherwise. */
const call = (overrides: Partial<CallStarted> = {}): CallStarted =>
  callStarted({ tenantId: 'contoso', callId: 'c-1', occurredAt: '2026-11-24T10:00:00.000Z', ...overrides });
const usUser = (policyName: DialoutPolicyName | null = null): DialoutUserState => ({ policyName, usageLocation: 'US', awaitingCalls: [] });

function given(events: CallScreeningEvent[]) {
  return fold(callScreeningDecider.evolve, callScreeningDecider.initialState(), events);
}

type ScreenCall = Extract<CallScreeningCommand, { type: 'ScreenCall' }>;

const NOW = '2026-11-24T10:00:01.000Z';

function when(command: Partial<ScreenCall> & { call: CallStarted }, history: CallScreeningEvent[] = []) {
  return callScreeningDecider.decide({ type: 'ScreenCall', user: usUser(), globalPolicy: null, now: NOW, waitMs: 30_000, ...command }, given(history));
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

/** A user licensing has not named to this service yet (issue 11: a licence assigned, a call at once). */
const unknownUser = (policyName: DialoutPolicyName | null = null): DialoutUserState => ({ policyName, usageLocation: null, awaitingCalls: [] });

describe('call screening decider: a user whose usage location is not known yet', () => {
  it('clears at once a meeting dial-out the Global policy allows everywhere, leaving the usage location to licensing', () => {
    expect(decision(when({ call: call(), user: unknownUser() }))).toEqual({
      type: 'CallCleared',
      data: expect.objectContaining({
        destinationCountry: 'FR',
        usageLocation: null,
        domestic: null,
        zoneA: true,
        emergency: false,
        policyName: 'DialoutCPCandPSTNInternational',
        policySource: 'global',
      }),
    });
  });

  it('clears at once what PSTN International and CPC ZoneA allow wherever the user is', () => {
    expect(decision(when({ call: call({ callType: 'user_out' }), user: unknownUser('DialoutCPCDisabledPSTNInternational') }))).toMatchObject({
      type: 'CallCleared',
      data: { usageLocation: null, domestic: null },
    });
    expect(decision(when({ call: call(), user: unknownUser('DialoutCPCZoneAPSTNDomestic') }))).toMatchObject({ type: 'CallCleared' });
  });

  it('refuses at once what the policy refuses wherever the user is', () => {
    expect(decision(when({ call: call(), user: unknownUser('DialoutCPCDisabledPSTNInternational') }))).toMatchObject({
      type: 'CallRejected',
      data: { reason: 'DIALOUT_POLICY_BLOCKED', details: { control: 'CPC' } },
    });
    expect(decision(when({ call: call({ to: '+20223456789' }), user: unknownUser('DialoutCPCZoneAPSTNDomestic') }))).toMatchObject({
      type: 'CallRejected',
      data: { reason: 'DIALOUT_POLICY_BLOCKED' },
    });
    expect(decision(when({ call: call({ callType: 'user_out' }), user: unknownUser('DialoutCPCandPSTNDisabled') }))).toMatchObject({
      type: 'CallRejected',
      data: { reason: 'DIALOUT_POLICY_BLOCKED', details: { control: 'PSTN' } },
    });
    expect(decision(when({ call: call({ to: '+80012345678' }), user: unknownUser() }))).toMatchObject({
      type: 'CallRejected',
      data: { reason: 'INVALID_NUMBER' },
    });
    expect(decision(when({ call: call({ callType: 'user_out', to: '12345' }), user: unknownUser() }))).toMatchObject({
      type: 'CallRejected',
      data: { reason: 'INVALID_NUMBER', details: { detail: expect.stringContaining('any country') } },
    });
  });

  it('makes a call wait for the usage location when a Domestic control needs it, until a deadline', () => {
    const started = call({ callType: 'user_out' });
    expect(when({ call: started, user: unknownUser('DialoutCPCandPSTNDomestic'), waitMs: 30_000 })).toEqual({
      ok: true,
      value: [
        {
          type: 'CallAwaitingUsageLocation',
          data: {
            callId: 'c-1',
            callType: 'user_out',
            userId: 'alice',
            from: '+14255550100',
            to: '+33142685300',
            startedAt: '2026-11-24T10:00:00.000Z',
            startedEventId: started.eventId,
            control: 'PSTN',
            policyName: 'DialoutCPCandPSTNDomestic',
            since: NOW,
            deadline: '2026-11-24T10:00:31.000Z',
            detail: expect.stringContaining('PSTN Domestic'),
          },
        },
      ],
    });
  });

  it('judges a waiting call once the usage location is learned, by the policy in force then', () => {
    const waiting = decision(when({ call: call(), user: unknownUser('DialoutCPCandPSTNDomestic') }));
    expect(waiting.type).toBe('CallAwaitingUsageLocation');
    const judge = (user: DialoutUserState, globalPolicy: DialoutPolicyName | null = null) =>
      callScreeningDecider.decide({ type: 'JudgeAwaitingCall', user, globalPolicy }, given([waiting]));

    // Still unknown (licensing named none): it keeps waiting.
    expect(judge(unknownUser('DialoutCPCandPSTNDomestic'))).toEqual({ ok: true, value: [] });
    // A US organizer under CPC Domestic may not dial France…
    expect(judge(usUser('DialoutCPCandPSTNDomestic'))).toEqual({
      ok: true,
      value: [
        {
          type: 'CallRejected',
          data: expect.objectContaining({
            reason: 'DIALOUT_POLICY_BLOCKED',
            details: expect.objectContaining({ control: 'CPC', policyName: 'DialoutCPCandPSTNDomestic' }),
          }),
        },
      ],
    });
    // …a French one may, with every fact known now.
    expect(judge({ policyName: 'DialoutCPCandPSTNDomestic', usageLocation: 'FR', awaitingCalls: [] })).toEqual({
      ok: true,
      value: [{ type: 'CallCleared', data: expect.objectContaining({ usageLocation: 'FR', domestic: true, destinationCountry: 'FR', policySource: 'user' }) }],
    });
    // The policy is the one in force when the call is judged.
    expect(judge(usUser(null), 'DialoutCPCandPSTNInternational')).toMatchObject({ value: [{ type: 'CallCleared', data: { policySource: 'global' } }] });
  });

  it('rejects a call still waiting at its deadline as UNKNOWN_USER, saying the user was never learned', () => {
    const waiting = decision(when({ call: call(), user: unknownUser('DialoutCPCandPSTNDomestic'), waitMs: 30_000 }));
    const expire = (now: string, history: CallScreeningEvent[] = [waiting]) => callScreeningDecider.decide({ type: 'ExpireAwaitingCall', now }, given(history));

    expect(expire('2026-11-24T10:00:30.999Z')).toEqual({ ok: true, value: [] });
    expect(expire('2026-11-24T10:00:31.000Z')).toEqual({
      ok: true,
      value: [
        {
          type: 'CallRejected',
          data: {
            callId: 'c-1',
            reason: 'UNKNOWN_USER',
            decidedBy: 'dialout-policy',
            details: {
              control: 'CPC',
              policyName: 'DialoutCPCandPSTNDomestic',
              detail: expect.stringMatching(/^licensing never named a usage location for user alice within 30 s/),
            },
          },
        },
      ],
    });
    // Nothing to expire on a call that never waited, or was judged in time.
    expect(expire('2026-11-25T00:00:00.000Z', [])).toEqual({ ok: true, value: [] });
    const judged = decision(callScreeningDecider.decide({ type: 'JudgeAwaitingCall', user: usUser(), globalPolicy: null }, given([waiting])));
    expect(expire('2026-11-25T00:00:00.000Z', [waiting, judged])).toEqual({ ok: true, value: [] });
  });

  it('decides a waiting call once: a repeated CallStarted waits no twice, and an expired call is not judged again', () => {
    const waiting = decision(when({ call: call(), user: unknownUser('DialoutCPCandPSTNDomestic') }));
    expect(when({ call: call(), user: unknownUser('DialoutCPCandPSTNDomestic') }, [waiting])).toEqual({ ok: true, value: [] });
    const expired = decision(callScreeningDecider.decide({ type: 'ExpireAwaitingCall', now: '2026-11-25T00:00:00.000Z' }, given([waiting])));
    expect(callScreeningDecider.decide({ type: 'JudgeAwaitingCall', user: usUser(), globalPolicy: null }, given([waiting, expired]))).toEqual({
      ok: true,
      value: [],
    });
    expect(callScreeningDecider.decide({ type: 'JudgeAwaitingCall', user: usUser(), globalPolicy: null }, given([]))).toEqual({ ok: true, value: [] });
  });
});

describe('call screening decider: emergency calls always go through (domain.md)', () => {
  const emergency = (to: string, from = '+14255550100') => call({ callType: 'user_out', to, from });

  it('clears an emergency short code of the caller whose usage location is known, whatever the policy', () => {
    expect(decision(when({ call: emergency('112'), user: { ...usUser('DialoutCPCandPSTNDisabled'), usageLocation: 'FR' } }))).toMatchObject({
      type: 'CallCleared',
      data: { destinationCountry: 'FR', usageLocation: 'FR', domestic: true, emergency: true },
    });
  });

  it("clears an emergency short code from an unknown caller at once, as the emergency number of the tenant's country", () => {
    // 999 is an emergency number in GB and not in the US: a tenant with users in both sends it to GB.
    expect(decision(when({ call: emergency('999'), user: unknownUser('DialoutCPCandPSTNDisabled'), tenantCountries: ['US', 'GB'] }))).toEqual({
      type: 'CallCleared',
      data: expect.objectContaining({ to: '999', destinationCountry: 'GB', usageLocation: null, domestic: null, zoneA: true, emergency: true }),
    });
    // 112 is one in both: the tenant's first (most users) wins.
    expect(decision(when({ call: emergency('112'), user: unknownUser(), tenantCountries: ['US', 'GB'] }))).toMatchObject({
      data: { destinationCountry: 'US', emergency: true },
    });
  });

  it("falls back on the calling number's country, then on any country where the code is an emergency number", () => {
    // No tenant country knows 999; the caller's number is British.
    expect(decision(when({ call: emergency('999', '+442079460000'), user: unknownUser('DialoutCPCandPSTNDisabled'), tenantCountries: ['US'] }))).toMatchObject({
      type: 'CallCleared',
      data: { destinationCountry: 'GB', emergency: true },
    });
    // Neither: the first country (alphabetically) where 000 is an emergency number.
    expect(decision(when({ call: emergency('000'), user: unknownUser('DialoutCPCandPSTNDisabled'), tenantCountries: [] }))).toMatchObject({
      type: 'CallCleared',
      data: { destinationCountry: 'AU', emergency: true, domestic: null },
    });
  });

  it('never makes an emergency call wait, even under a Domestic control', () => {
    expect(decision(when({ call: emergency('911'), user: unknownUser('DialoutCPCandPSTNDomestic') }))).toMatchObject({
      type: 'CallCleared',
      data: { emergency: true },
    });
  });
});
