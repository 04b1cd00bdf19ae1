import { CALLERS_HANDED_OVER_EDITION, CallerReplicaCommand, CallerReplicaEvent, CallerReplicaState, callerReplicaDecider } from './caller-replica.decider';

const restatement = (page: number, pages: number, edition = CALLERS_HANDED_OVER_EDITION): CallerReplicaCommand => ({
  type: 'LearnRestatement',
  users: [{ userId: `u${page}`, usageLocation: 'US', licenses: ['OFFICE_365_E5'] }],
  page,
  pages,
  edition,
});

/** Decides each command on the state its predecessors left, as the stream would. */
function run(commands: CallerReplicaCommand[]): { events: CallerReplicaEvent[]; state: CallerReplicaState } {
  let state = callerReplicaDecider.initialState();
  const events: CallerReplicaEvent[] = [];
  for (const command of commands) {
    const decided = callerReplicaDecider.decide(command, state);
    if (!decided.ok) throw new Error(decided.error.message);
    events.push(...decided.value);
    state = decided.value.reduce(callerReplicaDecider.evolve, state);
  }
  return { events, state };
}

describe("the pool's replica of licensing's users", () => {
  it('marks the page that completes a hand-over restatement, and the tenant known from then on', () => {
    const { events, state } = run([restatement(1, 2), { type: 'LearnLicence', userId: 'u1', sku: 'PHONE_SYSTEM', assigned: true }, restatement(2, 2)]);
    expect(events.map((e) => (e.type === 'CallersRestatementLearned' ? `page ${e.data.page} complete=${e.data.complete}` : e.type))).toEqual([
      'page 1 complete=false',
      'CallerLicenceLearned',
      'page 2 complete=true',
    ]);
    expect(state.known).toBe(true);
  });

  it('learns an edition made before the hand-over without knowing the tenant by it', () => {
    expect(run([restatement(1, 1, CALLERS_HANDED_OVER_EDITION - 1)]).state.known).toBe(false);
  });

  it('records what it learned of a user as published', () => {
    expect(run([{ type: 'LearnCaller', userId: 'ann', usageLocation: null }]).events).toEqual([
      { type: 'CallerLearned', data: { userId: 'ann', usageLocation: null } },
    ]);
  });
});
