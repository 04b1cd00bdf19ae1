import { deciderSpec } from '@comms-credits/domain-kit';
import { parse } from 'csv-parse/sync';
import { Readable } from 'node:stream';
import { csvRecordOf, usageCsvStringifier } from '../application/usage.queries';
import { formatAmount } from './money-format';
import { UsageFact, UsageFacts, factKey, usageDecider, withFacts } from './usage.facts';
import { USAGE_COLUMNS, UsageRow, usageIdOf, usageRowOf } from './usage-row';
import { addMonthsUtc, decodeCursor, encodeCursor, usageRange } from './usage-range';
import { SummaryInput, summarize } from './usage-summary';

const started: UsageFact = {
  kind: 'started',
  callType: 'conf_out',
  userId: 'alice',
  from: '+14255550100',
  to: '+33142685300',
  startedAt: '2026-11-24T10:00:00.000Z',
};
const ended: UsageFact = { kind: 'ended', durationSeconds: 421, endedAt: '2026-11-24T10:07:01.000Z' };
const admittedCredits: UsageFact = { kind: 'admitted', funding: 'credits', maxDurationSeconds: 7200, split: null, decidedBy: 'credit-wallet' };
const entitled: UsageFact = { kind: 'entitled', capability: 'MCOMEETADD', destinationCountry: 'FR', domestic: false };
const charged: UsageFact = {
  kind: 'charged',
  chargeKind: 'call',
  cost: '0.26',
  currency: 'USD',
  connectionFee: '0.0125',
  perMinute: '0.0349',
  billedMinutes: '8',
  rateCardVersion: '2026-11',
};

function rowOf(facts: UsageFact[]): UsageRow {
  return usageRowOf('contoso', 'c-1', withFacts({}, facts));
}

/** Every order of a list (small lists only). */
function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('usage row folding', () => {
  it('a credits dial-out to France: countries from the numbers, the wallet charge and its connection fee, MCOPSTNPP', () => {
    expect(rowOf([started, ended, admittedCredits, entitled, charged])).toEqual({
      usageId: usageIdOf('contoso', 'c-1'),
      callId: 'c-1',
      userId: 'alice',
      callType: 'conf_out',
      fromNumber: '+14255550100',
      toNumber: '+33142685300',
      fromCountry: 'US',
      toCountry: 'FR',
      startTime: '2026-11-24T10:00:00.000Z',
      endTime: '2026-11-24T10:07:01.000Z',
      durationSeconds: 421,
      charge: '0.26',
      connectionFee: '0.0125',
      currency: 'USD',
      capability: 'MCOPSTNPP',
      funding: 'credits',
      poolMinutes: 0,
      decision: 'admitted',
      reason: null,
      rateCardVersion: '2026-11',
    });
  });

  it('the same facts in every order give the same row', () => {
    const facts = [started, ended, admittedCredits, entitled, charged];
    const expected = rowOf(facts);
    for (const order of permutations(facts)) expect(rowOf(order)).toEqual(expected);
  });

  it('repeats change nothing: the decider records each kind once, the fold keeps the first', () => {
    const record = (fact: UsageFact) => ({ type: 'RecordUsageFact' as const, callId: 'c-1', fact, sourceEventId: 'e', sourceType: 'x' });
    const first = deciderSpec(usageDecider).given().when(record(started));
    const repeated = first.and.when(record(started));
    expect(repeated.error).toBeUndefined();
    expect(repeated.events).toEqual([]);
    expect(repeated.and.when(record(ended)).history).toHaveLength(2);
    const twice = withFacts(withFacts({}, [ended]), [{ kind: 'ended', durationSeconds: 999, endedAt: '2026-11-24T11:00:00.000Z' }]);
    expect((twice['ended'] as Extract<UsageFact, { kind: 'ended' }>).durationSeconds).toBe(421);
  });

  it('a pool call: pool minutes from the pool, the licence capability, no charge', () => {
    const row = rowOf([
      started,
      ended,
      { kind: 'admitted', funding: 'pool', maxDurationSeconds: 7200, split: null, decidedBy: 'pool-ledger' },
      entitled,
      { kind: 'pool-settled', month: '2026-11', minutes: 8, poolMinutes: 8, uncoveredMinutes: 0 },
    ]);
    expect(row).toMatchObject({ funding: 'pool', poolMinutes: 8, charge: '0.00', currency: null, capability: 'MCOMEETADD', connectionFee: null });
  });

  it('a pool call that continued on credits: both parts, billed to credits (MCOPSTNPP), no connection fee', () => {
    const row = rowOf([
      started,
      { kind: 'ended', durationSeconds: 50 * 60, endedAt: '2026-11-24T10:50:00.000Z' },
      { kind: 'admitted', funding: 'pool', maxDurationSeconds: 3600, split: { poolSeconds: 2100, creditSeconds: 1500 }, decidedBy: 'credit-wallet' },
      entitled,
      { kind: 'pool-settled', month: '2026-11', minutes: 50, poolMinutes: 35, uncoveredMinutes: 0 },
      { ...charged, chargeKind: 'pool-continuation', cost: '0.52', connectionFee: '0', billedMinutes: '15' } as UsageFact,
    ]);
    expect(row).toMatchObject({ funding: 'pool', poolMinutes: 35, charge: '0.52', connectionFee: null, capability: 'MCOPSTNPP', durationSeconds: 3000 });
  });

  it('a rejected call carries no minutes, no charge and no capability', () => {
    const row = rowOf([started, ended, entitled, { kind: 'rejected', reason: 'POOL_EXHAUSTED_NO_CREDITS', decidedBy: 'credit-wallet' }]);
    expect(row).toMatchObject({
      decision: 'rejected',
      reason: 'POOL_EXHAUSTED_NO_CREDITS',
      durationSeconds: 0,
      charge: null,
      poolMinutes: 0,
      capability: null,
      funding: null,
    });
  });

  it('calling plans by domestic or not; a free conference dial-in is MCOMEETADD; an emergency short code takes the stated country', () => {
    const plan: UsageFact = { kind: 'admitted', funding: 'calling-plan', maxDurationSeconds: null, split: null, decidedBy: 'licensing' };
    expect(rowOf([started, plan, { kind: 'cleared', destinationCountry: 'US', domestic: true }]).capability).toBe('MCOPSTN1');
    expect(rowOf([started, plan, { kind: 'cleared', destinationCountry: 'FR', domestic: false }]).capability).toBe('MCOPSTN2');
    // Licensing says which plan it admitted the call under (contract v2): a domestic call by a user holding the international plan.
    const underInternational: UsageFact = { ...plan, capability: 'MCOPSTN2' } as UsageFact;
    expect(rowOf([started, underInternational, { kind: 'cleared', destinationCountry: 'US', domestic: true }]).capability).toBe('MCOPSTN2');
    const dialIn: UsageFact = { ...started, callType: 'conf_in', from: '+442071234567', to: '+14255550199' } as UsageFact;
    expect(rowOf([dialIn, { kind: 'admitted', funding: 'free', maxDurationSeconds: null, split: null, decidedBy: 'toll-free' }]).capability).toBe('MCOMEETADD');
    const emergency: UsageFact = { ...started, callType: 'user_out', to: '911' } as UsageFact;
    expect(rowOf([emergency, { kind: 'cleared', destinationCountry: 'US', domestic: true }])).toMatchObject({
      toCountry: 'US',
      toNumber: '911',
      decision: null,
    });
  });

  it('facts of other kinds are keyed apart; a charge per kind', () => {
    expect(factKey(charged)).toBe('charged:call');
    expect(factKey(admittedCredits)).toBe(factKey({ kind: 'rejected', reason: 'X', decidedBy: 'licensing' }));
    const facts: UsageFacts = withFacts({}, [charged, { ...charged, chargeKind: 'pool-overflow', cost: '0.10' } as UsageFact]);
    expect(Object.keys(facts).sort()).toEqual(['charged:call', 'charged:pool-overflow']);
  });

  it('usage ids are stable UUIDs per tenant and call', () => {
    expect(usageIdOf('a', 'c')).toBe(usageIdOf('a', 'c'));
    expect(usageIdOf('a', 'c')).not.toBe(usageIdOf('b', 'c'));
    expect(usageIdOf('a', 'c')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('money in the report', () => {
  it('decimal strings with at least the currency decimals, exact digits kept, never floats', () => {
    expect(formatAmount('0.26', 'USD')).toBe('0.26');
    expect(formatAmount('0.0125', 'USD')).toBe('0.0125');
    expect(formatAmount('0', 'USD')).toBe('0.00');
    expect(formatAmount('12', 'JPY')).toBe('12');
    expect(formatAmount('1234567.5', 'EUR')).toBe('1234567.50');
    expect(formatAmount('0.1', null)).toBe('0.10');
    expect(formatAmount('0.30000', 'USD')).toBe('0.30');
  });
});

describe('CSV', () => {
  it('RFC 4180: a header, CRLF records, quotes only where needed and doubled; parsed back it is the row', async () => {
    const row: UsageRow = { ...rowOf([started, ended, admittedCredits, charged]), userId: 'o"brien, jr\nthe second', reason: null };
    const csv = usageCsvStringifier();
    const text = await new Promise<string>((resolve, reject) => {
      let out = '';
      csv.on('data', (chunk: Buffer) => (out += chunk.toString()));
      csv.on('end', () => resolve(out));
      csv.on('error', reject);
      Readable.from([csvRecordOf(row)]).pipe(csv);
    });
    const [header, first] = text.split('\r\n');
    expect(header).toBe(USAGE_COLUMNS.join(','));
    expect(first).toContain('"o""brien, jr');
    expect(text.endsWith('\r\n')).toBe(true);
    const parsed = parse(text, { columns: true }) as Record<string, string>[];
    expect(parsed).toHaveLength(1);
    expect(parsed[0]).toEqual(Object.fromEntries(USAGE_COLUMNS.map((c) => [c, row[c] === null ? '' : String(row[c])])));
    expect(parsed[0]!['charge']).toBe('0.26');
    expect(parsed[0]!['connectionFee']).toBe('0.0125');
  });
});

describe('usage range and cursor', () => {
  const now = new Date('2026-11-24T12:00:00.000Z');

  it('defaults to the current month so far; dates are midnight UTC; to is exclusive', () => {
    expect(usageRange(undefined, undefined, now)).toEqual({ ok: true, value: { from: new Date('2026-11-01T00:00:00.000Z'), to: now } });
    expect(usageRange('2026-01-01', '2026-02-01', now)).toEqual({
      ok: true,
      value: { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-02-01T00:00:00Z') },
    });
  });

  it('up to 12 months; beyond is refused with the latest allowed end', () => {
    expect(usageRange('2025-11-24', '2026-11-24', now).ok).toBe(true);
    const tooLong = usageRange('2025-11-24', '2026-11-24T00:00:00.001Z', now);
    expect(tooLong.ok).toBe(false);
    if (!tooLong.ok)
      expect(tooLong.error).toMatchObject({ code: 'REPORTING.RANGE_TOO_LONG', kind: 'invalid', details: { latestTo: '2026-11-24T00:00:00.000Z' } });
    expect(usageRange('2026-11-02', '2026-11-01', now)).toMatchObject({ ok: false, error: { code: 'REPORTING.INVALID_RANGE' } });
    expect(usageRange('2026-02-30x', undefined, now)).toMatchObject({ ok: false });
    expect(addMonthsUtc(new Date('2026-01-31T00:00:00Z'), 1).toISOString()).toBe('2026-02-28T00:00:00.000Z');
  });

  it('cursors round-trip and junk is refused', () => {
    expect(decodeCursor(encodeCursor('2026-11-24T10:00:00.000Z', 'c,1'))).toEqual({
      ok: true,
      value: { startTime: '2026-11-24T10:00:00.000Z', callId: 'c,1' },
    });
    expect(decodeCursor('bm9wZQ').ok).toBe(false);
  });
});

describe('summary grouping', () => {
  const call = (over: Partial<SummaryInput>): SummaryInput => ({
    startTime: '2026-11-24T10:00:00.000Z',
    callType: 'conf_out',
    toCountry: 'FR',
    userId: 'alice',
    decision: 'admitted',
    durationSeconds: 61,
    poolMinutes: 0,
    charge: '0.10',
    currency: 'USD',
    ...over,
  });
  const rows = [
    call({}),
    call({ startTime: '2026-11-25T23:59:59.999Z', toCountry: 'US', userId: 'bob', poolMinutes: 5, charge: '0.00', durationSeconds: 300 }),
    call({ decision: 'rejected', durationSeconds: 0, charge: null, userId: 'bob' }),
    call({ callType: 'user_in', toCountry: null, userId: null, charge: '0.05' }),
  ];

  it('by day (UTC), with whole minutes per call and exact charges; rejected calls count as calls without minutes', () => {
    expect(summarize(rows, 'day')).toEqual([
      { key: '2026-11-24', calls: 3, rejectedCalls: 1, minutes: 4, poolMinutes: 0, charges: { amount: '0.15', currency: 'USD' } },
      { key: '2026-11-25', calls: 1, rejectedCalls: 0, minutes: 5, poolMinutes: 5, charges: { amount: '0.00', currency: 'USD' } },
    ]);
  });

  it('by country, user and call type, unknown keys last', () => {
    expect(summarize(rows, 'country').map((g) => [g.key, g.calls])).toEqual([
      ['FR', 2],
      ['US', 1],
      [null, 1],
    ]);
    expect(summarize(rows, 'user').map((g) => [g.key, g.minutes])).toEqual([
      ['alice', 2],
      ['bob', 5],
      [null, 2],
    ]);
    expect(summarize(rows, 'callType').map((g) => g.key)).toEqual(['conf_out', 'user_in']);
  });
});
