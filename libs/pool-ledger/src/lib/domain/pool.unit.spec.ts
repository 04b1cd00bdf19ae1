import { CallDurationExceededGrantV1, CallEntitledV1, CallScreenedV1 } from '@comms-credits/contracts';
import { ReferredCall } from '@comms-credits/dialout-rules';
import { deciderSpec, fold } from '@comms-credits/domain-kit';
import { publishedContractMismatch } from '@comms-credits/service-testing';
import { outboundCallFacts } from '@comms-credits/testing';
import { CapacityEvent, capacityDecider, capacityMinutes } from './capacity.decider';
import {
  EntitledCall,
  PoolCallCommand,
  PoolCallEvent,
  PoolGrantPolicy,
  needsSettlement,
  poolCallDecider,
  settlementOf,
  wholeMinutes,
} from './pool-call.decider';
import { PoolMonthCommand, PoolMonthEvent, poolMonthDecider, unreservedMinutesOf } from './pool-month.decider';

describe('pool capacity', () => {
  const given = (events: CapacityEvent[]) => fold(capacityDecider.evolve, capacityDecider.initialState(), events);
  const capacity = deciderSpec(capacityDecider);

  it('is 60 minutes per purchased E5 or Audio Conferencing seat and per assigned Select Dial Out licence', () => {
    const state = given([
      { type: 'QualifyingSeatsChanged', data: { sku: 'OFFICE_365_E5', seats: 100 } },
      { type: 'QualifyingSeatsChanged', data: { sku: 'AUDIO_CONFERENCING', seats: 15 } },
      { type: 'SelectDialOutLicenseChanged', data: { userId: 'u1', assigned: true } },
    ]);
    expect(capacityMinutes(state)).toBe(60 * 116);
  });

  it('follows seats live, ignores other SKUs and repeats', () => {
    const fiveSeats = capacity.given([{ type: 'QualifyingSeatsChanged', data: { sku: 'OFFICE_365_E5', seats: 5 } }]);
    for (const repeatOrOther of [
      fiveSeats.when({ type: 'CountSeats', sku: 'OFFICE_365_E5', seats: 5 }),
      fiveSeats.when({ type: 'CountSeats', sku: 'AUDIO_CONFERENCING_PPM', seats: 50 }),
    ]) {
      expect(repeatOrOther.error).toBeUndefined();
      expect(repeatOrOther.events).toEqual([]);
    }
    expect(capacityMinutes(fiveSeats.when({ type: 'CountSeats', sku: 'OFFICE_365_E5', seats: 2 }).state)).toBe(120);
    const unassigned = given([
      { type: 'SelectDialOutLicenseChanged', data: { userId: 'u1', assigned: true } },
      { type: 'SelectDialOutLicenseChanged', data: { userId: 'u1', assigned: false } },
    ]);
    expect(capacityMinutes(unassigned)).toBe(0);
  });
});

describe('pool month', () => {
  const month = deciderSpec(poolMonthDecider);
  const reserve = (callId: string, wantedMinutes: number, capacityMinutes = 300): PoolMonthCommand => ({
    type: 'Reserve',
    month: '2026-11',
    callId,
    wantedMinutes,
    capacityMinutes,
  });
  const debit = (callId: string, minutes: number, capacityMinutes = 300): PoolMonthCommand => ({
    type: 'Debit',
    month: '2026-11',
    callId,
    minutes,
    capacityMinutes,
  });
  const reservedBy = (outcome: { events: PoolMonthEvent[] }) => outcome.events.find((e) => e.type === 'PoolMinutesReserved')?.data.minutes ?? 0;
  const debited = (outcome: { events: PoolMonthEvent[] }) => outcome.events.find((e) => e.type === 'PoolMinutesDebited')!.data;

  it('the article: 5 participants × 60 minutes use a 300-minute pool entirely', () => {
    let step = month.given().when(reserve('p1', 60));
    for (const id of ['p2', 'p3', 'p4', 'p5']) step = step.and.when(reserve(id, 60));
    for (const id of ['p1', 'p2', 'p3', 'p4', 'p5']) {
      step = step.and.when(debit(id, 60));
      expect(debited(step)).toMatchObject({ poolMinutes: 60, uncoveredMinutes: 0, releasedMinutes: 0 });
    }
    expect(step.state.usedMinutes).toBe(300);
    expect(unreservedMinutesOf(step.state, 300)).toBe(0);
  });

  it('reserves at most the unreserved minutes: concurrent calls never share a minute (the reported leak: two calls on 60 minutes)', () => {
    const first = month.given().when(reserve('a', 60, 60));
    expect(reservedBy(first)).toBe(60);
    const second = first.and.when(reserve('b', 60, 60));
    expect(second.events).toEqual([]);
    expect(unreservedMinutesOf(second.state, 60)).toBe(0);
  });

  it('grants a partial reservation when fewer minutes remain than a call wants, and reserves once per call', () => {
    const partial = month.given().when(reserve('a', 250)).and.when(reserve('b', 120));
    expect(reservedBy(partial)).toBe(50);
    expect(partial.and.when(reserve('b', 120)).events).toEqual([]);
  });

  it('debits the call minutes up to its reservation and releases the rest at settlement', () => {
    const settled = month.given().when(reserve('a', 120)).and.when(reserve('b', 120)).and.when(debit('a', 7));
    expect(debited(settled)).toMatchObject({ poolMinutes: 7, uncoveredMinutes: 0, releasedMinutes: 113, usedMinutes: 7, reservedMinutes: 120 });
    expect(unreservedMinutesOf(settled.state, 300)).toBe(300 - 7 - 120);
    // A repeated settlement never reaches the month: the call's stream settles once.
  });

  it('an expired reservation is released; a late end then takes only what is unreserved, the rest is uncovered', () => {
    const expired = month
      .given()
      .when(reserve('a', 60, 60))
      .and.when({ type: 'ExpireReservation', month: '2026-11', callId: 'a' });
    expect(expired.events).toMatchObject([{ type: 'PoolReservationExpired', data: { callId: 'a', minutes: 60, reservedMinutes: 0 } }]);
    const taken = expired.and.when(reserve('b', 45, 60));
    const late = taken.and.when(debit('a', 30, 60));
    expect(debited(late)).toMatchObject({ poolMinutes: 15, uncoveredMinutes: 15, usedMinutes: 15 });
    expect(expired.and.when({ type: 'ExpireReservation', month: '2026-11', callId: 'a' }).events).toEqual([]);
  });

  it('notifies at 80 % and at 100 %, once each per month', () => {
    const at80 = month.given().when(reserve('a', 240)).and.when(debit('a', 240));
    expect(at80.events.map((e) => e.type)).toEqual(['PoolMinutesDebited', 'PoolUsageThresholdReached']);
    expect(at80.events[1]!.data).toMatchObject({ thresholdPercent: 80, usedMinutes: 240 });
    const more = at80.and.when(reserve('b', 10)).and.when(debit('b', 10));
    expect(more.events.map((e) => e.type)).toEqual(['PoolMinutesDebited']);
    const at100 = more.and.when(reserve('c', 100)).and.when(debit('c', 100));
    expect(at100.events.map((e) => (e.type === 'PoolUsageThresholdReached' ? e.data.thresholdPercent : e.type))).toEqual(['PoolMinutesDebited', 100]);
  });

  it('capacity lowered below usage mid-month: nothing is given back, nothing more is covered', () => {
    const lowered = month
      .given()
      .when(reserve('a', 200))
      .and.when(debit('a', 200))
      .and.when(reserve('b', 50))
      .and.when(debit('b', 10, 120));
    expect(debited(lowered)).toMatchObject({ poolMinutes: 0, uncoveredMinutes: 10, usedMinutes: 200 });
    expect(lowered.and.when(reserve('c', 10, 120)).events).toEqual([]);
  });
});

describe('a call in the pool', () => {
  const call: EntitledCall = {
    ...outboundCallFacts('c-1', { startedAt: '2026-11-30T23:59:00.000Z' }),
    poolEligible: true,
    creditsLicensed: false,
    capability: 'MCOMEETADD',
  };
  const policy: PoolGrantPolicy = { maxGrantMinutes: 120, graceMinutes: 15 };
  const now = '2026-11-30T23:59:01.000Z';
  const pool = deciderSpec(poolCallDecider);
  const admit = (reservedMinutes: number, overrides: Partial<EntitledCall> = {}) =>
    pool.given().when({ type: 'Admit', call: { ...call, ...overrides }, reservedMinutes, policy, now });
  const ended = (durationSeconds: number): PoolCallEvent => ({ type: 'CallEndObserved', data: { callId: 'c-1', durationSeconds } });

  it('rounds a call up to whole minutes', () => {
    expect([0, 1, 60, 61, 3600].map(wholeMinutes)).toEqual([0, 1, 1, 2, 60]);
  });

  it('is admitted from the pool for the minutes reserved when they cover as long as a call may run, in the month it started', () => {
    expect(admit(120).events).toEqual([
      { type: 'CallAdmitted', data: { callId: 'c-1', funding: 'pool', maxDurationSeconds: 7200, decidedBy: 'pool-ledger' } },
      expect.objectContaining({
        type: 'CallFundedFromPool',
        data: expect.objectContaining({ month: '2026-11', reservedMinutes: 120, dueBy: '2026-12-01T02:14:01.000Z' }),
      }),
    ]);
  });

  it('without the credits licence, a partial reservation is all the call gets', () => {
    expect(admit(45).events[0]).toEqual({ type: 'CallAdmitted', data: { callId: 'c-1', funding: 'pool', maxDurationSeconds: 2700, decidedBy: 'pool-ledger' } });
  });

  it('with the credits licence, a partial reservation is handed to the wallet to continue on credits', () => {
    const outcome = admit(45, { creditsLicensed: true });
    expect(outcome.events.map((e) => e.type)).toEqual(['CallFundedFromPool', 'CallHandedToWallet']);
    expect(outcome.events[1]!.data).toMatchObject({ reason: 'POOL_CONTINUATION', poolSeconds: 2700, maxCreditSeconds: 75 * 60, capability: 'MCOMEETADD' });
    expect(outcome.events[0]!.data).toMatchObject({ continuationSeconds: 75 * 60, dueBy: '2026-12-01T02:14:01.000Z' });
  });

  it('is handed to the wallet when nothing is reserved or the call is not pool-eligible', () => {
    expect(admit(0).events).toMatchObject([{ type: 'CallHandedToWallet', data: { reason: 'POOL_EXHAUSTED', capability: 'MCOMEETADD' } }]);
    expect(admit(100, { poolEligible: false }).events).toMatchObject([{ type: 'CallHandedToWallet', data: { reason: 'NOT_POOL_ELIGIBLE' } }]);
  });

  it('decides once, and is settled once when admission and end are both known, in either order', () => {
    const admitted = admit(10).history;
    expect(pool.given(admitted).when({ type: 'Admit', call, reservedMinutes: 10, policy, now }).events).toEqual([]);
    expect(needsSettlement(fold(poolCallDecider.evolve, poolCallDecider.initialState(), [ended(61)]))).toBe(false);
    const endedFirst = pool
      .given([ended(61), ...admitted])
      .when({ type: 'Settle', debit: { month: '2026-11', minutes: 2, poolMinutes: 2, uncoveredMinutes: 0 } });
    expect(endedFirst.events).toEqual([
      {
        type: 'PoolCallSettled',
        data: { callId: 'c-1', month: '2026-11', durationSeconds: 61, billableSeconds: 61, minutes: 2, poolMinutes: 2, uncoveredMinutes: 0 },
      },
    ]);
    expect(endedFirst.and.when({ type: 'Settle', debit: { month: '2026-11', minutes: 2, poolMinutes: 2, uncoveredMinutes: 0 } }).events).toEqual([]);
  });

  it('is never settled beyond its grant: milliseconds sent as seconds are settled at the grant, the excess is an anomaly', () => {
    const state = pool.given([...admit(60).history, ended(3_600_000 / 10)]).when({ type: 'MarkSettlementMissing' }).state;
    expect(settlementOf(state)).toEqual({ month: '2026-11', billableSeconds: 3600, minutes: 60 });
    const settled = pool
      .given([...admit(60).history, ended(360_000)])
      .when({ type: 'Settle', debit: { month: '2026-11', minutes: 60, poolMinutes: 60, uncoveredMinutes: 0 } });
    expect(settled.events).toContainEqual({
      type: 'CallDurationExceededGrant',
      data: { callId: 'c-1', durationSeconds: 360_000, grantedSeconds: 3600, excessSeconds: 356_400 },
    });
  });

  it('publishes that anomaly on pool-ledger.events as its contract describes it, field for field', () => {
    const settled = pool
      .given([...admit(60).history, ended(3601)])
      .when({ type: 'Settle', debit: { month: '2026-11', minutes: 60, poolMinutes: 60, uncoveredMinutes: 0 } });
    const exceeded = settled.events.find((e) => e.type === 'CallDurationExceededGrant')!;
    expect(publishedContractMismatch(CallDurationExceededGrantV1, exceeded)).toBe('');
  });

  it('a continuation call: the pool settles its reserved share only; the credit part is the wallet’s', () => {
    const history = [...admit(45, { creditsLicensed: true }).history, ended(50 * 60 + 1)];
    expect(settlementOf(pool.given(history).when({ type: 'MarkSettlementMissing' }).state)).toEqual({ month: '2026-11', billableSeconds: 3001, minutes: 45 });
    const settled = pool.given(history).when({ type: 'Settle', debit: { month: '2026-11', minutes: 45, poolMinutes: 45, uncoveredMinutes: 0 } });
    expect(settled.events.map((e) => e.type)).toEqual(['PoolCallSettled']);
  });

  it('a call whose end never came is marked once; its late end still settles it, handing what the pool no longer covers to the wallet', () => {
    const missing = pool.given(admit(30).history).when({ type: 'MarkSettlementMissing' });
    expect(missing.events).toEqual([
      { type: 'PoolSettlementMissing', data: { callId: 'c-1', month: '2026-11', reservedMinutes: 30, dueBy: '2026-12-01T00:44:01.000Z' } },
    ]);
    expect(missing.and.when({ type: 'MarkSettlementMissing' }).events).toEqual([]);
    const late = pool
      .given([...missing.history, ended(20 * 60)])
      .when({ type: 'Settle', debit: { month: '2026-11', minutes: 20, poolMinutes: 5, uncoveredMinutes: 15 } });
    expect(late.events[1]).toMatchObject({
      type: 'PoolOverflowHandedToWallet',
      data: { callId: 'c-1', uncoveredMinutes: 15, poolMinutes: 5, destinationCountry: 'FR' },
    });
  });
});

describe('a call decided in the pool’s hop (stages 1 and 2 by the chain’s rules)', () => {
  const pool = deciderSpec(poolCallDecider);
  const call = {
    callId: 'c-9',
    callType: 'conf_out' as const,
    userId: 'org',
    from: '+14255550100',
    to: '+33142685300',
    startedAt: '2026-12-03T10:00:00.000Z',
    startedEventId: '0b6f2c4e-1f0a-4b8e-9d7a-3c2e1f0a4b8e',
  };
  const organizer = { usageLocation: 'US', licenses: ['OFFICE_365_E5' as const, 'COMMUNICATIONS_CREDITS' as const] };
  const decide = (overrides: Partial<Extract<PoolCallCommand, { type: 'ScreenAndEntitle' }>> = {}, history: PoolCallEvent[] = []) =>
    pool.given(history).when({ type: 'ScreenAndEntitle', call, caller: organizer, userPolicy: null, globalPolicy: null, ...overrides });

  it('states the screening and the entitlement of a call it funds next, in the contract’s shapes', () => {
    const { events } = decide();
    expect(events.map((e) => e.type)).toEqual(['CallScreened', 'CallEntitled']);
    expect(events[1]!.data).toMatchObject({ poolEligible: true, creditsLicensed: true, capability: 'MCOMEETADD', usageLocation: 'US', domestic: false });
    expect(publishedContractMismatch(CallScreenedV1, events[0]!)).toBe('');
    expect(publishedContractMismatch(CallEntitledV1, events[1]!)).toBe('');
  });

  it('refuses by a dial-out policy saying so, and admits a calling plan for licensing', () => {
    const refused = decide({ userPolicy: 'DialoutCPCDisabledPSTNDomestic' }).events;
    expect(refused.map((e) => e.type)).toEqual(['CallScreened', 'CallRejected']);
    expect(refused[1]!.data).toMatchObject({ reason: 'DIALOUT_POLICY_BLOCKED', decidedBy: 'dialout-policy' });
    const planned = decide({
      call: { ...call, callType: 'user_out', to: '+12065550100' },
      caller: { usageLocation: 'US', licenses: ['PHONE_SYSTEM', 'DOMESTIC_CALLING_PLAN'] },
    }).events;
    expect(planned[1]).toEqual({
      type: 'CallAdmitted',
      data: { callId: 'c-9', funding: 'calling-plan', maxDurationSeconds: null, decidedBy: 'licensing', capability: 'MCOPSTN1' },
    });
  });

  it('refers, stating nothing, what the licences it learned refuse', () => {
    expect(decide({ caller: { usageLocation: 'US', licenses: [] } }).events).toEqual([
      { type: 'CallReferred', data: { ...call, reason: 'NOT_ENTITLED_HERE' } },
    ]);
  });

  it('refers, stating nothing, a funding that a licence assigned since could improve', () => {
    const referred = (c: ReferredCall) => [{ type: 'CallReferred', data: { ...c, reason: 'NOT_ENTITLED_HERE' } }];
    // Without the credits licence: the credits licence would add a continuation beyond the pool.
    expect(decide({ caller: { usageLocation: 'US', licenses: ['OFFICE_365_E5'] } }).events).toEqual(referred(call));
    // Pay-per-minute to Zone A: Audio Conferencing would draw on the pool instead.
    expect(decide({ caller: { usageLocation: 'US', licenses: ['AUDIO_CONFERENCING_PPM', 'COMMUNICATIONS_CREDITS'] } }).events).toEqual(referred(call));
    // Abroad on a domestic plan, on credits: an international plan would admit it.
    const abroad = { ...call, callType: 'user_out' as const, to: '+442079460000' };
    const onPlan = { usageLocation: 'US', licenses: ['PHONE_SYSTEM' as const, 'DOMESTIC_CALLING_PLAN' as const, 'COMMUNICATIONS_CREDITS' as const] };
    expect(decide({ call: abroad, caller: onPlan }).events).toEqual(referred(abroad));
    // Outside Zone A on credits with Audio Conferencing: no licence draws on the pool there.
    expect(decide({ call: { ...call, to: '+97142345678' } }).events.map((e) => e.type)).toEqual(['CallScreened', 'CallEntitled']);
  });

  it('decides or refers a call once, whatever repeats', () => {
    const [screened, entitled] = decide().events;
    expect(decide({}, [screened!, entitled!]).events).toEqual([]);
    expect(pool.given([screened!, entitled!]).when({ type: 'Refer', call, reason: 'USER_NOT_KNOWN' }).events).toEqual([]);
    const referred = pool.given().when({ type: 'Refer', call, reason: 'USER_NOT_KNOWN' }).events;
    expect(referred).toEqual([{ type: 'CallReferred', data: { ...call, reason: 'USER_NOT_KNOWN' } }]);
    expect(decide({}, referred).events).toEqual([]);
  });
});
