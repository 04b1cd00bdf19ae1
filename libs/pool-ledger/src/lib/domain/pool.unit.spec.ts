import { fold } from '@comms-credits/domain-kit';
import { CapacityEvent, capacityDecider, capacityMinutes } from './capacity.decider';
import { EntitledCall, PoolCallEvent, needsSettlement, poolCallDecider, wholeMinutes } from './pool-call.decider';
import { PoolMonthEvent, poolMonthDecider } from './pool-month.decider';

describe('pool capacity', () => {
  const given = (events: CapacityEvent[]) => fold(capacityDecider.evolve, capacityDecider.initialState(), events);

  it('is 60 minutes per purchased E5 or Audio Conferencing seat and per assigned Select Dial Out licence', () => {
    const state = given([
      { type: 'QualifyingSeatsChanged', data: { sku: 'OFFICE_365_E5', seats: 100 } },
      { type: 'QualifyingSeatsChanged', data: { sku: 'AUDIO_CONFERENCING', seats: 15 } },
      { type: 'SelectDialOutLicenseChanged', data: { userId: 'u1', assigned: true } },
    ]);
    expect(capacityMinutes(state)).toBe(60 * 116);
  });

  it('follows seats live, ignores other SKUs and repeats', () => {
    const state = given([{ type: 'QualifyingSeatsChanged', data: { sku: 'OFFICE_365_E5', seats: 5 } }]);
    expect(capacityDecider.decide({ type: 'CountSeats', sku: 'OFFICE_365_E5', seats: 5 }, state)).toEqual({ ok: true, value: [] });
    expect(capacityDecider.decide({ type: 'CountSeats', sku: 'AUDIO_CONFERENCING_PPM', seats: 50 }, state)).toEqual({ ok: true, value: [] });
    const lowered = capacityDecider.decide({ type: 'CountSeats', sku: 'OFFICE_365_E5', seats: 2 }, state);
    expect(capacityMinutes(given([...(lowered.ok ? (lowered.value as CapacityEvent[]) : [])]))).toBe(120);
    const unassigned = given([
      { type: 'SelectDialOutLicenseChanged', data: { userId: 'u1', assigned: true } },
      { type: 'SelectDialOutLicenseChanged', data: { userId: 'u1', assigned: false } },
    ]);
    expect(capacityMinutes(unassigned)).toBe(0);
  });
});

describe('pool month', () => {
  const given = (events: PoolMonthEvent[]) => fold(poolMonthDecider.evolve, poolMonthDecider.initialState(), events);
  const debit = (minutes: number, capacityMinutes: number, events: PoolMonthEvent[] = []) =>
    poolMonthDecider.decide({ type: 'Debit', month: '2026-11', callId: 'c', minutes, capacityMinutes }, given(events));

  it('the article: 5 participants × 60 minutes use a 300-minute pool entirely', () => {
    let events: PoolMonthEvent[] = [];
    for (let i = 0; i < 5; i++) {
      const result = debit(60, 300, events);
      if (!result.ok) throw new Error('refused');
      events = [...events, ...result.value];
    }
    expect(given(events).usedMinutes).toBe(300);
    expect(events.filter((e) => e.type === 'PoolMinutesDebited').every((e) => e.data.uncoveredMinutes === 0)).toBe(true);
  });

  it('covers what it can when a call needs more minutes than remain, and never goes below zero', () => {
    const used: PoolMonthEvent[] = [
      { type: 'PoolMinutesDebited', data: { month: '2026-11', callId: 'a', minutes: 290, poolMinutes: 290, uncoveredMinutes: 0, usedMinutes: 290, capacityMinutes: 300 } },
    ];
    const partly = debit(25, 300, used);
    expect(partly.ok && partly.value[0]).toMatchObject({ data: { poolMinutes: 10, uncoveredMinutes: 15, usedMinutes: 300 } });
    const full = [...used, ...(partly.ok ? partly.value : [])];
    expect(debit(5, 300, full)).toMatchObject({ ok: true, value: [{ data: { poolMinutes: 0, uncoveredMinutes: 5, usedMinutes: 300 } }] });
  });

  it('notifies at 80 % and at 100 %, once each per month', () => {
    const at80 = debit(240, 300);
    expect(at80.ok && at80.value.map((e) => e.type)).toEqual(['PoolMinutesDebited', 'PoolUsageThresholdReached']);
    expect(at80.ok && at80.value[1]!.data).toMatchObject({ thresholdPercent: 80, usedMinutes: 240 });
    const after80 = at80.ok ? at80.value : [];
    const more = debit(10, 300, after80);
    expect(more.ok && more.value.map((e) => e.type)).toEqual(['PoolMinutesDebited']);
    const at100 = debit(100, 300, after80);
    expect(at100.ok && at100.value.map((e) => (e.type === 'PoolUsageThresholdReached' ? e.data.thresholdPercent : e.type))).toEqual(['PoolMinutesDebited', 100]);
  });

  it('capacity lowered below usage mid-month: nothing is given back, nothing more is covered', () => {
    const used: PoolMonthEvent[] = [
      { type: 'PoolMinutesDebited', data: { month: '2026-11', callId: 'a', minutes: 200, poolMinutes: 200, uncoveredMinutes: 0, usedMinutes: 200, capacityMinutes: 300 } },
    ];
    const result = debit(10, 120, used);
    expect(result.ok && result.value[0]).toMatchObject({ data: { poolMinutes: 0, uncoveredMinutes: 10, usedMinutes: 200 } });
  });
});

describe('a call in the pool', () => {
  const call: EntitledCall = {
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
    startedAt: '2026-11-30T23:59:00.000Z',
    poolEligible: true,
    creditsLicensed: false,
    capability: 'MCOMEETADD',
  };
  const given = (events: PoolCallEvent[]) => fold(poolCallDecider.evolve, poolCallDecider.initialState(), events);
  const admitted = (available: number) => {
    const result = poolCallDecider.decide({ type: 'Admit', call, availableMinutes: available }, given([]));
    return result.ok ? result.value : [];
  };

  it('rounds a call up to whole minutes', () => {
    expect([0, 1, 60, 61, 3600].map(wholeMinutes)).toEqual([0, 1, 1, 2, 60]);
  });

  it('is admitted from the pool for at most the minutes left, in the month it started', () => {
    expect(admitted(45)).toEqual([
      { type: 'CallAdmitted', data: { callId: 'c-1', funding: 'pool', maxDurationSeconds: 2700, decidedBy: 'pool-ledger' } },
      expect.objectContaining({ type: 'CallFundedFromPool', data: expect.objectContaining({ month: '2026-11' }) }),
    ]);
  });

  it('is handed to the wallet when the pool is empty or the call is not pool-eligible', () => {
    expect(admitted(0)).toMatchObject([{ type: 'CallHandedToWallet', data: { reason: 'POOL_EXHAUSTED', capability: 'MCOMEETADD' } }]);
    const notEligible = poolCallDecider.decide({ type: 'Admit', call: { ...call, poolEligible: false }, availableMinutes: 100 }, given([]));
    expect(notEligible).toMatchObject({ ok: true, value: [{ type: 'CallHandedToWallet', data: { reason: 'NOT_POOL_ELIGIBLE' } }] });
  });

  it('decides once, and is settled once when admission and end are both known, in either order', () => {
    const ended: PoolCallEvent = { type: 'CallEndObserved', data: { callId: 'c-1', durationSeconds: 61 } };
    expect(poolCallDecider.decide({ type: 'Admit', call, availableMinutes: 10 }, given(admitted(10)))).toEqual({ ok: true, value: [] });
    expect(needsSettlement(given([ended]))).toBe(false);
    expect(needsSettlement(given([ended, ...admitted(10)]))).toBe(true);
    const debit = { month: '2026-11', minutes: 2, poolMinutes: 1, uncoveredMinutes: 1 };
    const settled = poolCallDecider.decide({ type: 'Settle', debit }, given([...admitted(10), ended]));
    expect(settled).toMatchObject({
      ok: true,
      value: [
        { type: 'PoolCallSettled', data: { callId: 'c-1', durationSeconds: 61, minutes: 2, poolMinutes: 1, uncoveredMinutes: 1 } },
        { type: 'PoolOverflowHandedToWallet', data: { callId: 'c-1', uncoveredMinutes: 1, destinationCountry: 'FR', month: '2026-11' } },
      ],
    });
    const again = given([...admitted(10), ended, ...(settled.ok ? settled.value : [])]);
    expect(needsSettlement(again)).toBe(false);
    expect(poolCallDecider.decide({ type: 'Settle', debit }, again)).toEqual({ ok: true, value: [] });
  });
});
