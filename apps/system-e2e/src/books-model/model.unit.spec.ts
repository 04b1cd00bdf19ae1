import { BooksModel, Input, ModelSettings, Sku, affordableMinutes, formatCents, parseCents, price } from './model';

/**
 * The reference model against cases worked out by hand from domain.md (the figures are the
 * sample rate card's: FR 0.0349/min + 0.0125 connection fee, EG 0.2417 + 0.05, US 0.0125).
 */
const rates: ModelSettings['dialOutRates'] = {
  FR: { perMinute: '0.0349', connectionFee: '0.0125' },
  EG: { perMinute: '0.2417', connectionFee: '0.0500' },
  US: { perMinute: '0.0125', connectionFee: '0.0000' },
  GB: { perMinute: '0.0223', connectionFee: '0.0000' },
};

function model(maxGrantMinutes: number, ...inputs: Input[]) {
  return new BooksModel({ maxGrantMinutes, dialOutRates: rates }).applyAll(inputs);
}

const seats = (sku: Sku, n: number): Input => ({ kind: 'seats', sku, seats: n });
const assign = (userId: string, sku: Sku): Input => ({ kind: 'assign', userId, sku });
const fund = (amount: string): Input => ({ kind: 'fund', cents: parseCents(amount) });
const start = (callId: string, userId: string, country: string): Input => ({ kind: 'start', callId, userId, country });
const end = (callId: string, seconds: number): Input => ({ kind: 'end', callId, seconds });

/** alice: E5 + credits; bob: E5 only; carol: pay-per-minute + credits. */
const team = (e5Seats: number): Input[] => [
  seats('OFFICE_365_E5', e5Seats),
  seats('AUDIO_CONFERENCING_PPM', 1),
  assign('alice', 'OFFICE_365_E5'),
  assign('alice', 'COMMUNICATIONS_CREDITS'),
  ...(e5Seats >= 2 ? [assign('bob', 'OFFICE_365_E5')] : []),
  assign('carol', 'AUDIO_CONFERENCING_PPM'),
  assign('carol', 'COMMUNICATIONS_CREDITS'),
];

function money(m: BooksModel) {
  const b = m.books();
  return { balance: formatCents(b.balanceCents), held: formatCents(b.heldCents), owed: formatCents(b.owedCents), available: formatCents(b.availableCents) };
}

describe('the books model', () => {
  describe('money', () => {
    it('prices a call exactly and rounds half-up once: 0.0349 × 7 + 0.0125 = 0.2568 → 0.26; 0.0125 × 3 = 0.0375 → 0.04', () => {
      expect(formatCents(price(rates['FR']!, 7, true))).toBe('0.26');
      expect(formatCents(price(rates['US']!, 3, false))).toBe('0.04');
      expect(formatCents(price(rates['US']!, 1, false))).toBe('0.01'); // 0.0125 → 0.01
    });

    it('affordable minutes: the most whole minutes whose price fits, up to the cap', () => {
      expect(affordableMinutes(rates['EG']!, true, parseCents('1.00'), 120)).toBe(3); // 0.7751 → 0.78; 4 would be 1.02
      expect(affordableMinutes(rates['FR']!, false, parseCents('0.02'), 120)).toBe(0); // 0.0349 → 0.03
      expect(affordableMinutes(rates['FR']!, false, parseCents('20.00'), 60)).toBe(60);
    });
  });

  describe('the pool', () => {
    it('capacity is 60 × purchased E5 / Audio Conferencing seats + assigned Select Dial Out licences; PPM adds nothing', () => {
      const m = model(
        120,
        seats('OFFICE_365_E5', 3),
        seats('AUDIO_CONFERENCING_PPM', 2),
        seats('AUDIO_CONFERENCING_SELECT_DIAL_OUT', 2),
        assign('sam', 'AUDIO_CONFERENCING_SELECT_DIAL_OUT'),
      );
      expect(m.books().capacityMinutes).toBe(60 * (3 + 1));
    });

    it('the article: 5 people called in for 60 minutes use 300 pool minutes, and spend no credits', () => {
      // With a 60-minute grant all five legs are reserved at once (5 × 60 = 300).
      const m = model(60, ...team(5), fund('20.00'));
      for (const leg of ['l1', 'l2', 'l3', 'l4', 'l5']) m.apply(start(leg, 'alice', 'FR'));
      for (const leg of ['l1', 'l2', 'l3', 'l4', 'l5']) expect(m.decision(leg)).toEqual({ type: 'CallAdmitted', funding: 'pool', maxDurationSeconds: 3600 });
      expect(m.books()).toMatchObject({ capacityMinutes: 300, usedMinutes: 0, reservedMinutes: 300, availableMinutes: 0 });
      for (const leg of ['l1', 'l2', 'l3', 'l4', 'l5']) m.apply(end(leg, 3600));
      expect(m.books()).toMatchObject({ usedMinutes: 300, reservedMinutes: 0, availableMinutes: 0 });
      expect(money(m)).toMatchObject({ balance: '20.00', held: '0.00' });
    });

    it('with the default 120-minute grant, legs that follow one another still use 5 × 60; a 61-second leg is 2 minutes', () => {
      const m = model(120, ...team(5));
      for (const leg of ['l1', 'l2', 'l3', 'l4', 'l5']) m.applyAll([start(leg, 'bob', 'GB'), end(leg, 3600)]);
      m.applyAll([seats('OFFICE_365_E5', 6), start('short', 'bob', 'GB'), end('short', 61)]);
      expect(m.books()).toMatchObject({ capacityMinutes: 360, usedMinutes: 302 });
    });

    it('reserves what it grants: two calls on the last 60 minutes do not both get them', () => {
      const m = model(120, ...team(2));
      m.applyAll([start('a', 'bob', 'FR'), start('b', 'bob', 'FR')]);
      expect(m.decision('a')).toEqual({ type: 'CallAdmitted', funding: 'pool', maxDurationSeconds: 7200 });
      m.apply(start('c', 'bob', 'FR'));
      expect(m.decision('b')).toEqual({ type: 'CallRejected', reason: 'POOL_EXHAUSTED_NO_CREDITS' });
      expect(m.decision('c')).toEqual({ type: 'CallRejected', reason: 'POOL_EXHAUSTED_NO_CREDITS' });
      // a settles 30 minutes: the other 90 are released.
      m.apply(end('a', 1800));
      expect(m.books()).toMatchObject({ usedMinutes: 30, reservedMinutes: 0, availableMinutes: 90 });
    });

    it('settles a pool call at most at its grant: milliseconds sent as seconds are capped', () => {
      const m = model(120, ...team(3), start('long', 'bob', 'FR'), end('long', 3_600_000));
      expect(m.decision('long')).toEqual({ type: 'CallAdmitted', funding: 'pool', maxDurationSeconds: 7200 });
      expect(m.books()).toMatchObject({ capacityMinutes: 180, usedMinutes: 120, reservedMinutes: 0, availableMinutes: 60 });
      expect(m.call('long')!.settlement).toMatchObject({ billedSeconds: 7200, minutes: 120, poolMinutes: 120, chargeCents: 0n });
    });

    it('Select Dial Out covers US and CA only; a pay-per-minute organizer never draws on the pool', () => {
      const m = model(
        120,
        seats('OFFICE_365_E5', 1),
        seats('AUDIO_CONFERENCING_SELECT_DIAL_OUT', 1),
        seats('AUDIO_CONFERENCING_PPM', 1),
        assign('sam', 'AUDIO_CONFERENCING_SELECT_DIAL_OUT'),
        assign('carol', 'AUDIO_CONFERENCING_PPM'),
        assign('carol', 'COMMUNICATIONS_CREDITS'),
        fund('20.00'),
      );
      m.applyAll([start('us', 'sam', 'US'), start('fr', 'sam', 'FR'), start('ppm', 'carol', 'GB')]);
      expect(m.decision('us')).toEqual({ type: 'CallAdmitted', funding: 'pool', maxDurationSeconds: 7200 });
      expect(m.decision('fr')).toEqual({ type: 'CallRejected', reason: 'NO_COMMUNICATIONS_CREDITS_LICENSE' });
      expect(m.decision('ppm')).toMatchObject({ type: 'CallAdmitted', funding: 'credits', maxDurationSeconds: 7200 });
    });
  });

  describe('continuation on credits', () => {
    it('60 pool minutes left, a call that may run 120: pool 3600 s + credits 3600 s; 90 minutes cost 30 × 0.0349 = 1.047 → 1.05, no fee', () => {
      const m = model(120, ...team(1), fund('20.00'), start('c', 'alice', 'FR'));
      expect(m.decision('c')).toEqual({ type: 'CallAdmitted', funding: 'pool', maxDurationSeconds: 7200, split: { poolSeconds: 3600, creditSeconds: 3600 } });
      // The hold: 60 × 0.0349 = 2.094 → 2.09.
      expect(money(m)).toEqual({ balance: '20.00', held: '2.09', owed: '0.00', available: '17.91' });
      expect(m.books()).toMatchObject({ reservedMinutes: 60, availableMinutes: 0 });
      m.apply(end('c', 5400));
      expect(money(m)).toEqual({ balance: '18.95', held: '0.00', owed: '0.00', available: '18.95' });
      expect(m.books()).toMatchObject({ usedMinutes: 60, reservedMinutes: 0 });
    });

    it('a continuation is capped at its grant (7200 s): 100000 s reported costs 60 credit minutes, 2.09', () => {
      const m = model(120, ...team(1), fund('20.00'), start('c', 'alice', 'FR'), end('c', 100_000));
      expect(money(m)).toMatchObject({ balance: '17.91', held: '0.00' });
      expect(m.call('c')!.settlement).toMatchObject({ billedSeconds: 7200, minutes: 120, poolMinutes: 60, creditMinutes: 60 });
    });

    it('a continuation that ends inside the pool part pays nothing; its hold is released', () => {
      const m = model(120, ...team(1), fund('20.00'), start('c', 'alice', 'FR'), end('c', 61));
      expect(money(m)).toMatchObject({ balance: '20.00', held: '0.00' });
      expect(m.books()).toMatchObject({ usedMinutes: 2, availableMinutes: 58 });
    });

    it('the continuation holds what the available balance affords: $0.50 at 0.0349 is 14 minutes', () => {
      const m = model(120, ...team(1), fund('0.50'), start('c', 'alice', 'FR'));
      expect(m.decision('c')).toEqual({
        type: 'CallAdmitted',
        funding: 'pool',
        maxDurationSeconds: 3600 + 14 * 60,
        split: { poolSeconds: 3600, creditSeconds: 840 },
      });
      expect(money(m)).toMatchObject({ held: '0.49' }); // 14 × 0.0349 = 0.4886
    });

    it('without the credits licence, or without billing, the organizer gets the pool minutes only; with none left, POOL_EXHAUSTED_NO_CREDITS', () => {
      const m = model(120, ...team(2), start('b1', 'bob', 'FR'), start('a1', 'alice', 'FR'));
      expect(m.decision('b1')).toEqual({ type: 'CallAdmitted', funding: 'pool', maxDurationSeconds: 7200 });
      expect(m.decision('a1')).toEqual({ type: 'CallRejected', reason: 'POOL_EXHAUSTED_NO_CREDITS' }); // billing not set up
      m.apply(end('b1', 3600));
      m.apply(start('b2', 'bob', 'FR'));
      expect(m.decision('b2')).toEqual({ type: 'CallAdmitted', funding: 'pool', maxDurationSeconds: 3600 });
      m.apply(start('a2', 'alice', 'FR'));
      expect(m.decision('a2')).toEqual({ type: 'CallRejected', reason: 'POOL_EXHAUSTED_NO_CREDITS' });
    });

    it('once the pool has nothing unreserved, a credits-eligible organizer is funded by credits from the start, connection fee included', () => {
      const m = model(120, ...team(1), fund('20.00'), start('c', 'alice', 'FR'), start('d', 'alice', 'FR'));
      // 120 × 0.0349 + 0.0125 = 4.2005 → 4.20.
      expect(m.decision('d')).toEqual({ type: 'CallAdmitted', funding: 'credits', maxDurationSeconds: 7200 });
      expect(money(m)).toMatchObject({ held: '6.29' });
      m.apply(end('d', 7 * 60 - 5)); // 6:55 → 7 minutes: 0.2568 → 0.26
      expect(money(m)).toMatchObject({ balance: '19.74', held: '2.09' });
    });
  });

  describe('credits calls', () => {
    it('61 s outside Zone A are 2 minutes: 2 × 0.2417 + 0.05 = 0.5334 → 0.53; a 0-second call pays nothing', () => {
      const m = model(120, ...team(1), fund('20.00'), start('cairo', 'alice', 'EG'), end('cairo', 61), start('zero', 'alice', 'EG'), end('zero', 0));
      expect(m.decision('cairo')).toMatchObject({ funding: 'credits' });
      expect(money(m)).toEqual({ balance: '19.47', held: '0.00', owed: '0.00', available: '19.47' });
      expect(m.books().usedMinutes).toBe(0);
    });

    it('without the licence outside Zone A: NO_COMMUNICATIONS_CREDITS_LICENSE; without billing: INSUFFICIENT_CREDITS', () => {
      const m = model(120, ...team(2), start('bob-eg', 'bob', 'EG'), start('alice-eg', 'alice', 'EG'));
      expect(m.decision('bob-eg')).toEqual({ type: 'CallRejected', reason: 'NO_COMMUNICATIONS_CREDITS_LICENSE' });
      expect(m.decision('alice-eg')).toEqual({ type: 'CallRejected', reason: 'INSUFFICIENT_CREDITS' });
    });

    it('holds bound concurrent calls: $1.00 to Egypt holds 3 minutes (0.78), then 0.22 affords nothing', () => {
      const m = model(120, ...team(1), fund('1.00'), start('e1', 'alice', 'EG'), start('e2', 'alice', 'EG'));
      expect(m.decision('e1')).toEqual({ type: 'CallAdmitted', funding: 'credits', maxDurationSeconds: 180 });
      expect(m.decision('e2')).toEqual({ type: 'CallRejected', reason: 'INSUFFICIENT_CREDITS' });
      m.apply(end('e1', 600)); // capped at 180 s
      expect(money(m)).toMatchObject({ balance: '0.22', held: '0.00' });
    });

    it('charges draw on the lots first-in first-out', () => {
      // 7 minutes to Egypt: 7 × 0.2417 + 0.05 = 1.7419 → 1.74, taken from the 1.00 lot first.
      const m = model(120, ...team(1), fund('1.00'), fund('2.00'), start('e', 'alice', 'EG'), end('e', 420));
      expect(m.lotsRemaining().map(formatCents)).toEqual(['0.00', '1.26']);
      expect(money(m)).toMatchObject({ balance: '1.26' });
    });

    it('ends before starts and repeats give the same books', () => {
      const inOrder = model(120, ...team(1), fund('5.00'), start('x', 'alice', 'EG'), end('x', 125));
      const shuffled = model(120, ...team(1), fund('5.00'), end('x', 125), end('x', 125), start('x', 'alice', 'EG'), start('x', 'alice', 'EG'), end('x', 125));
      expect(money(shuffled)).toEqual(money(inOrder));
      expect(shuffled.decision('x')).toEqual(inOrder.decision('x'));
    });
  });

  describe('owed', () => {
    it('a late settlement the lots cannot cover is owed, paid first from the next funds; credits calls are refused meanwhile', () => {
      const m = model(120, ...team(1), fund('1.00'), start('e1', 'alice', 'EG'));
      m.apply({ kind: 'holdExpired', callId: 'e1' });
      m.applyAll([start('e2', 'alice', 'EG'), end('e2', 180)]);
      expect(money(m)).toMatchObject({ balance: '0.22', held: '0.00' });
      m.apply(end('e1', 180)); // late: 0.78 against 0.22
      expect(money(m)).toEqual({ balance: '0.00', held: '0.00', owed: '0.56', available: '0.00' });
      m.apply(start('e3', 'alice', 'EG'));
      expect(m.decision('e3')).toEqual({ type: 'CallRejected', reason: 'INSUFFICIENT_CREDITS' });
      m.apply(fund('1.00'));
      expect(money(m)).toEqual({ balance: '0.44', held: '0.00', owed: '0.00', available: '0.44' });
    });
  });

  describe('auto-recharge', () => {
    const settings = (trigger: string, amount: string, cap: number | null = null): Input => ({
      kind: 'autoRecharge',
      enabled: true,
      triggerCents: parseCents(trigger),
      rechargeCents: parseCents(amount),
      maxRechargesPerMonth: cap,
    });

    it('watches the available balance: one recharge per triggering event (the settings, a hold, a charge), never a loop', () => {
      const m = model(10, ...team(1), fund('26.00'), settings('30.00', '1.00'));
      expect(m.books().recharges).toBe(1); // the settings change: 26 < 30
      m.apply(start('e', 'carol', 'EG')); // hold 10 × 0.2417 + 0.05 = 2.467 → 2.47: available 24.53
      expect(m.books().recharges).toBe(2);
      expect(money(m)).toMatchObject({ balance: '28.00', held: '2.47', available: '25.53' });
      m.apply(end('e', 61)); // charge 0.53: available 27.47, still below
      expect(money(m)).toMatchObject({ balance: '28.47', held: '0.00' });
      expect(m.books().recharges).toBe(3);
    });

    it('a monthly cap stops the recharges', () => {
      const m = model(10, ...team(1), fund('26.00'), settings('30.00', '1.00', 2), start('e', 'carol', 'EG'), end('e', 61));
      expect(m.books().recharges).toBe(2);
      expect(money(m)).toMatchObject({ balance: '27.47' });
    });

    it('a pool call holds nothing and triggers nothing', () => {
      const m = model(120, ...team(5), fund('26.00'), settings('25.00', '5.00'), start('p', 'alice', 'FR'), end('p', 3600));
      expect(m.books().recharges).toBe(0);
      expect(money(m)).toMatchObject({ balance: '26.00' });
    });
  });
});
