import { fold } from '@comms-credits/domain-kit';
import { SubscriptionEvent, UserCommand, UserEvent, subscriptionDecider, userDecider } from './user.decider';

const given = (events: UserEvent[]) => fold(userDecider.evolve, userDecider.initialState(), events);
const alice = (usageLocation: string | null = 'US'): UserEvent => ({
  type: 'UserUpserted',
  data: { userId: 'alice', usageLocation, displayName: 'Alice' },
});
const assign = (sku: 'OFFICE_365_E5' | 'COMMUNICATIONS_CREDITS', purchased: number, assigned: number): UserCommand => ({
  type: 'AssignLicense',
  userId: 'alice',
  sku,
  seats: { purchased, assigned },
});

describe('user decider', () => {
  it('creates a user, and ignores an upsert that changes nothing', () => {
    const created = userDecider.decide({ type: 'UpsertUser', userId: 'alice', usageLocation: 'US', displayName: 'Alice' }, given([]));
    expect(created).toEqual({ ok: true, value: [alice()] });
    expect(userDecider.decide({ type: 'UpsertUser', userId: 'alice', usageLocation: 'US', displayName: 'Alice' }, given([alice()]))).toEqual({
      ok: true,
      value: [],
    });
  });

  it('assigns a licence while seats remain, once', () => {
    expect(userDecider.decide(assign('OFFICE_365_E5', 10, 9), given([alice()]))).toEqual({
      ok: true,
      value: [{ type: 'LicenseAssigned', data: { userId: 'alice', sku: 'OFFICE_365_E5' } }],
    });
    const assigned = given([alice(), { type: 'LicenseAssigned', data: { userId: 'alice', sku: 'OFFICE_365_E5' } }]);
    expect(userDecider.decide(assign('OFFICE_365_E5', 1, 1), assigned)).toEqual({ ok: true, value: [] });
  });

  it('refuses a licence beyond the seats purchased, but not the free credits licence', () => {
    expect(userDecider.decide(assign('OFFICE_365_E5', 10, 10), given([alice()]))).toMatchObject({
      ok: false,
      error: { code: 'LICENSING.NOT_ENOUGH_SEATS', kind: 'conflict' },
    });
    expect(userDecider.decide(assign('COMMUNICATIONS_CREDITS', 0, 0), given([alice()]))).toMatchObject({ ok: true });
  });

  it('refuses a licence for a user without usage location, and for an unknown user', () => {
    expect(userDecider.decide(assign('OFFICE_365_E5', 10, 0), given([alice(null)]))).toMatchObject({
      ok: false,
      error: { code: 'LICENSING.USAGE_LOCATION_REQUIRED' },
    });
    expect(userDecider.decide(assign('OFFICE_365_E5', 10, 0), given([]))).toMatchObject({
      ok: false,
      error: { code: 'LICENSING.USER_NOT_FOUND', kind: 'not-found' },
    });
  });

  it('keeps the usage location of a licensed user', () => {
    const licensed = given([alice(), { type: 'LicenseAssigned', data: { userId: 'alice', sku: 'OFFICE_365_E5' } }]);
    expect(userDecider.decide({ type: 'UpsertUser', userId: 'alice', usageLocation: null, displayName: 'Alice' }, licensed)).toMatchObject({
      ok: false,
      error: { code: 'LICENSING.USAGE_LOCATION_IN_USE' },
    });
  });

  it('unassigns an assigned licence and ignores one that is not', () => {
    const licensed = given([alice(), { type: 'LicenseAssigned', data: { userId: 'alice', sku: 'OFFICE_365_E5' } }]);
    expect(userDecider.decide({ type: 'UnassignLicense', userId: 'alice', sku: 'OFFICE_365_E5' }, licensed)).toMatchObject({
      ok: true,
      value: [{ type: 'LicenseUnassigned' }],
    });
    expect(userDecider.decide({ type: 'UnassignLicense', userId: 'alice', sku: 'PHONE_SYSTEM' }, licensed)).toEqual({ ok: true, value: [] });
  });
});

describe('subscription decider', () => {
  const seats = (n: number): SubscriptionEvent => ({ type: 'SubscriptionSeatsChanged', data: { sku: 'OFFICE_365_E5', seats: n, previousSeats: 0 } });
  const state = fold(subscriptionDecider.evolve, subscriptionDecider.initialState(), [seats(10)]);

  it('changes seats and records the previous count', () => {
    expect(subscriptionDecider.decide({ type: 'SetSeats', sku: 'OFFICE_365_E5', seats: 12, assigned: 3 }, state)).toEqual({
      ok: true,
      value: [{ type: 'SubscriptionSeatsChanged', data: { sku: 'OFFICE_365_E5', seats: 12, previousSeats: 10 } }],
    });
  });

  it('refuses to lower seats below what is assigned', () => {
    expect(subscriptionDecider.decide({ type: 'SetSeats', sku: 'OFFICE_365_E5', seats: 2, assigned: 3 }, state)).toMatchObject({
      ok: false,
      error: { code: 'LICENSING.SEATS_BELOW_ASSIGNED', details: { assigned: 3 } },
    });
  });
});
