import { LicensedUsersEvent, RESTATED_USERS_PER_PAGE, USERS_RESTATEMENT_EDITION, licensedUsersDecider } from './licensed-users.decider';

const decide = (users: { userId: string; usageLocation: string | null; licenses: string[] }[], restatedEdition = 0) =>
  licensedUsersDecider.decide({ type: 'RestateUsers', users: users as never }, { restatedEdition });

describe('restating a tenant’s users', () => {
  it('states every user once, in pages of at most 200 in user order, licences sorted', () => {
    const users = Array.from({ length: RESTATED_USERS_PER_PAGE + 1 }, (_, i) => ({
      userId: `u${String(RESTATED_USERS_PER_PAGE - i).padStart(4, '0')}`,
      usageLocation: 'US',
      licenses: ['PHONE_SYSTEM', 'OFFICE_365_E5'],
    }));
    const decided = decide(users);
    expect(decided.ok).toBe(true);
    const events = (decided as { value: LicensedUsersEvent[] }).value;
    expect(events.map((e) => [e.data.page, e.data.pages, e.data.users.length, e.data.edition])).toEqual([
      [1, 2, RESTATED_USERS_PER_PAGE, USERS_RESTATEMENT_EDITION],
      [2, 2, 1, USERS_RESTATEMENT_EDITION],
    ]);
    const stated = events.flatMap((e) => e.data.users.map((u) => u.userId));
    expect(stated).toEqual([...users.map((u) => u.userId)].sort());
    expect(events[0]!.data.users[0]!.licenses).toEqual(['OFFICE_365_E5', 'PHONE_SYSTEM']);
  });

  it('states a tenant without users as one empty page, so a reader knows it has none', () => {
    expect(decide([])).toEqual({
      ok: true,
      value: [{ type: 'LicensedUsersRestated', data: { users: [], page: 1, pages: 1, edition: USERS_RESTATEMENT_EDITION } }],
    });
  });

  it('states nothing again once the edition is stated', () => {
    expect(decide([{ userId: 'a', usageLocation: 'US', licenses: [] }], USERS_RESTATEMENT_EDITION)).toEqual({ ok: true, value: [] });
  });
});
