import { deciderSpec } from '@comms-credits/domain-kit';
import { SubscriptionEvent, UserCommand, UserEvent, subscriptionDecider, userDecider } from './user.decider';

const user = deciderSpec(userDecider);
const alice = (usageLocation: string | null = 'US'): UserEvent => ({
  type: 'UserUpserted',
  data: { userId: 'alice', usageLocation, displayName: 'Alice' },
});
const assigned: UserEvent = { type: 'LicenseAssigned', data: { userId: 'alice', sku: 'OFFICE_365_E5' } };
const upsert = (usageLocation: string | null): UserCommand => ({ type: 'UpsertUser', userId: 'alice', usageLocation, displayName: 'Alice' });
const assign = (sku: 'OFFICE_365_E5' | 'COMMUNICATIONS_CREDITS', purchased: number, assignedSeats: number): UserCommand => ({
  type: 'AssignLicense',
  userId: 'alice',
  sku,
  seats: { purchased, assigned: assignedSeats },
});

describe('user decider', () => {
  it('creates a user, and ignores an upsert that changes nothing', () => {
    expect(user.given().when(upsert('US')).events).toEqual([alice()]);
    const again = user.given([alice()]).when(upsert('US'));
    expect(again.error).toBeUndefined();
    expect(again.events).toEqual([]);
  });

  it('assigns a licence while seats remain, once', () => {
    expect(user.given([alice()]).when(assign('OFFICE_365_E5', 10, 9)).events).toEqual([assigned]);
    const again = user.given([alice(), assigned]).when(assign('OFFICE_365_E5', 1, 1));
    expect(again.error).toBeUndefined();
    expect(again.events).toEqual([]);
  });

  it('refuses a licence beyond the seats purchased, but not the free credits licence', () => {
    expect(user.given([alice()]).when(assign('OFFICE_365_E5', 10, 10)).error).toMatchObject({ code: 'LICENSING.NOT_ENOUGH_SEATS', kind: 'conflict' });
    expect(user.given([alice()]).when(assign('COMMUNICATIONS_CREDITS', 0, 0)).error).toBeUndefined();
  });

  it('refuses a licence for a user without usage location, and for an unknown user', () => {
    expect(user.given([alice(null)]).when(assign('OFFICE_365_E5', 10, 0)).error).toMatchObject({ code: 'LICENSING.USAGE_LOCATION_REQUIRED' });
    expect(user.given().when(assign('OFFICE_365_E5', 10, 0)).error).toMatchObject({ code: 'LICENSING.USER_NOT_FOUND', kind: 'not-found' });
  });

  it('keeps the usage location of a licensed user', () => {
    expect(user.given([alice(), assigned]).when(upsert(null)).error).toMatchObject({ code: 'LICENSING.USAGE_LOCATION_IN_USE' });
  });

  it('unassigns an assigned licence and ignores one that is not', () => {
    const licensed = user.given([alice(), assigned]);
    expect(licensed.when({ type: 'UnassignLicense', userId: 'alice', sku: 'OFFICE_365_E5' }).events).toMatchObject([{ type: 'LicenseUnassigned' }]);
    const notAssigned = licensed.when({ type: 'UnassignLicense', userId: 'alice', sku: 'PHONE_SYSTEM' });
    expect(notAssigned.error).toBeUndefined();
    expect(notAssigned.events).toEqual([]);
  });
});

describe('subscription decider', () => {
  const seats = (n: number): SubscriptionEvent => ({ type: 'SubscriptionSeatsChanged', data: { sku: 'OFFICE_365_E5', seats: n, previousSeats: 0 } });
  const tenSeats = deciderSpec(subscriptionDecider).given([seats(10)]);

  it('changes seats and records the previous count', () => {
    expect(tenSeats.when({ type: 'SetSeats', sku: 'OFFICE_365_E5', seats: 12, assigned: 3 }).events).toEqual([
      { type: 'SubscriptionSeatsChanged', data: { sku: 'OFFICE_365_E5', seats: 12, previousSeats: 10 } },
    ]);
  });

  it('refuses to lower seats below what is assigned', () => {
    expect(tenSeats.when({ type: 'SetSeats', sku: 'OFFICE_365_E5', seats: 2, assigned: 3 }).error).toMatchObject({
      code: 'LICENSING.SEATS_BELOW_ASSIGNED',
      details: { assigned: 3 },
    });
  });
});
