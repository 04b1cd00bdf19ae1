import { Money, TollFreeNumberAcquiredV1, TollFreeNumberAssignedV1, TollFreeNumberReleasedV1 } from '@comms-credits/contracts';
import { deciderSpec } from '@comms-credits/domain-kit';
import { publishedContractMismatch } from '@comms-credits/service-testing';
import { TollFreeAccountCommand, TollFreeAccountEvent, tollFreeAccountDecider } from './toll-free-account.decider';

const account = deciderSpec(tollFreeAccountDecider);
/** Given these events, when this command: the events decided, or the refusal (`error` undefined when accepted). */
const when = (history: TollFreeAccountEvent[], command: TollFreeAccountCommand) => {
  const { events, error } = account.given(history).when(command);
  return { events, error };
};

const usd = (amount: string): Money => ({ amount, currency: 'USD' });
const seats = (sku: 'OFFICE_365_E5' | 'PHONE_SYSTEM', n: number): TollFreeAccountEvent => ({ type: 'QuotaSeatsObserved', data: { sku, seats: n } });
const funded = (amount = '20.00'): TollFreeAccountEvent => ({
  type: 'WalletFundingObserved',
  data: { balance: usd(amount), billingSetUp: true, positive: Number(amount) > 0 },
});
const acquired = (number: string, country = 'US'): TollFreeAccountEvent => ({ type: 'TollFreeNumberAcquired', data: { number, country } });
const suspended = (numbers: string[]): TollFreeAccountEvent => ({ type: 'TollFreeNumbersSuspended', data: { numbers, balance: usd('0.00') } });
const heldNumbers = (n: number) => Array.from({ length: n }, (_, i) => acquired(`+1800555${String(100 + i).padStart(4, '0')}`));
const acquire = (number: string | null = '+18005550199', country = 'US'): TollFreeAccountCommand => ({ type: 'Acquire', country, number });

describe('toll-free account decider', () => {
  describe('acquisition', () => {
    it('acquires the picked number with a positive balance and room in the quota', () => {
      expect(when([seats('PHONE_SYSTEM', 1), funded()], acquire())).toEqual({
        events: [{ type: 'TollFreeNumberAcquired', data: { number: '+18005550199', country: 'US' } }],
      });
    });

    it('refuses without billed credits, and with a balance of $0.00', () => {
      expect(when([seats('PHONE_SYSTEM', 5)], acquire())).toMatchObject({
        error: { code: 'TOLL_FREE_REQUIRES_CREDITS', kind: 'conflict', details: { billingSetUp: false } },
      });
      expect(when([seats('PHONE_SYSTEM', 5), funded('20.00'), funded('0.00')], acquire())).toMatchObject({
        error: { code: 'TOLL_FREE_REQUIRES_CREDITS', details: { billingSetUp: true } },
      });
    });

    it('refuses beyond the quota of the licences counted', () => {
      expect(when([funded()], acquire())).toMatchObject({ error: { code: 'TOLL_FREE_QUOTA_REACHED', details: { quota: 0, licences: 0, held: 0 } } });
      const five = [seats('OFFICE_365_E5', 20), seats('PHONE_SYSTEM', 5), funded(), ...heldNumbers(5)];
      expect(when(five, acquire())).toMatchObject({ error: { code: 'TOLL_FREE_QUOTA_REACHED', details: { quota: 5, licences: 25, held: 5 } } });
      expect(when([...five, seats('PHONE_SYSTEM', 6)], acquire())).toMatchObject({ error: undefined });
    });

    it('refuses when no number is left in the country, after the credit and quota checks', () => {
      expect(when([seats('PHONE_SYSTEM', 1), funded()], acquire(null, 'IE'))).toMatchObject({
        error: { code: 'TOLL_FREE_NONE_AVAILABLE', details: { country: 'IE' } },
      });
      expect(when([seats('PHONE_SYSTEM', 1)], acquire(null, 'IE'))).toMatchObject({ error: { code: 'TOLL_FREE_REQUIRES_CREDITS' } });
    });

    it('frees a place in the quota when a number is released', () => {
      const full = [seats('PHONE_SYSTEM', 1), funded(), ...heldNumbers(5)];
      const released: TollFreeAccountEvent = { type: 'TollFreeNumberReleased', data: { number: '+18005550100', country: 'US' } };
      expect(when([...full, released], acquire())).toMatchObject({ error: undefined });
    });
  });

  describe('assignment and release', () => {
    const holding = [seats('PHONE_SYSTEM', 1), funded(), acquired('+18005550100')];

    it('assigns a held number, and ignores the same assignment again', () => {
      const assign: TollFreeAccountCommand = { type: 'Assign', number: '+18005550100', target: 'call_queue', targetId: 'support' };
      const assigned = when(holding, assign);
      expect(assigned).toEqual({
        events: [{ type: 'TollFreeNumberAssigned', data: { number: '+18005550100', country: 'US', target: 'call_queue', targetId: 'support' } }],
      });
      expect(when([...holding, ...assigned.events], assign)).toEqual({ events: [] });
    });

    it('releases a held number, and refuses numbers the tenant does not hold', () => {
      expect(when(holding, { type: 'Release', number: '+18005550100' })).toEqual({
        events: [{ type: 'TollFreeNumberReleased', data: { number: '+18005550100', country: 'US' } }],
      });
      const notHeld = { error: { code: 'TOLL_FREE_NUMBER_NOT_FOUND', kind: 'not-found' } };
      expect(when(holding, { type: 'Release', number: '+18335550101' })).toMatchObject(notHeld);
      expect(when(holding, { type: 'Assign', number: '+18335550101', target: 'auto_attendant', targetId: 'main' })).toMatchObject(notHeld);
    });
  });

  describe('observed facts', () => {
    it('records the seats of counted SKUs when they change, and nothing else', () => {
      expect(when([], { type: 'ObserveSeats', sku: 'PHONE_SYSTEM', seats: 3 })).toEqual({
        events: [{ type: 'QuotaSeatsObserved', data: { sku: 'PHONE_SYSTEM', seats: 3 } }],
      });
      expect(when([seats('PHONE_SYSTEM', 3)], { type: 'ObserveSeats', sku: 'PHONE_SYSTEM', seats: 3 })).toEqual({ events: [] });
      expect(when([], { type: 'ObserveSeats', sku: 'DOMESTIC_CALLING_PLAN', seats: 3 })).toEqual({ events: [] });
    });

    it('records the wallet only when whether it can pay changes', () => {
      expect(when([], { type: 'ObserveWallet', balance: usd('20.00'), billingSetUp: true })).toEqual({
        events: [{ type: 'WalletFundingObserved', data: { balance: usd('20.00'), billingSetUp: true, positive: true } }],
      });
      expect(when([funded('20.00')], { type: 'ObserveWallet', balance: usd('12.34'), billingSetUp: true })).toEqual({ events: [] });
    });
  });

  describe('suspension', () => {
    const holding = [seats('PHONE_SYSTEM', 1), funded(), acquired('+18335550101'), acquired('+18005550100')];

    it('suspends every held number when the wallet reaches zero, once', () => {
      expect(when(holding, { type: 'ObserveWallet', balance: usd('0.00'), billingSetUp: true })).toEqual({
        events: [
          { type: 'WalletFundingObserved', data: { balance: usd('0.00'), billingSetUp: true, positive: false } },
          { type: 'TollFreeNumbersSuspended', data: { numbers: ['+18005550100', '+18335550101'], balance: usd('0.00') } },
        ],
      });
      const down = [...holding, funded('0.00'), suspended(['+18005550100', '+18335550101'])];
      expect(when(down, { type: 'ObserveWallet', balance: usd('-0.50'), billingSetUp: true })).toEqual({ events: [] });
    });

    it('resumes them when funds return', () => {
      const down = [...holding, funded('0.00'), suspended(['+18005550100', '+18335550101'])];
      expect(when(down, { type: 'ObserveWallet', balance: usd('20.00'), billingSetUp: true })).toEqual({
        events: [
          { type: 'WalletFundingObserved', data: { balance: usd('20.00'), billingSetUp: true, positive: true } },
          { type: 'TollFreeNumbersResumed', data: { numbers: ['+18005550100', '+18335550101'], balance: usd('20.00') } },
        ],
      });
    });

    it('suspends nothing for a tenant without numbers', () => {
      expect(when([funded()], { type: 'ObserveWallet', balance: usd('0.00'), billingSetUp: true })).toEqual({
        events: [{ type: 'WalletFundingObserved', data: { balance: usd('0.00'), billingSetUp: true, positive: false } }],
      });
    });
  });

  describe('the number events it publishes on toll-free.events', () => {
    it('are read by a consumer as their contract describes them, field for field', () => {
      const given = account.given([seats('PHONE_SYSTEM', 1), funded()]);
      const acquiredNow = given.when(acquire('+18005550100'));
      const assignedNow = acquiredNow.and.when({ type: 'Assign', number: '+18005550100', target: 'conference_bridge', targetId: 'bridge-1' });
      const releasedNow = assignedNow.and.when({ type: 'Release', number: '+18005550100' });
      expect([
        publishedContractMismatch(TollFreeNumberAcquiredV1, acquiredNow.events[0]!),
        publishedContractMismatch(TollFreeNumberAssignedV1, assignedNow.events[0]!),
        publishedContractMismatch(TollFreeNumberReleasedV1, releasedNow.events[0]!),
      ]).toEqual(['', '', '']);
    });
  });
});
