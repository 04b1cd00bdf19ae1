import { assignLanes } from './lane-assigner';

const topics = (names: string[], count: number) => names.flatMap((topic) => Array.from({ length: count }, (_, partition) => ({ topic, partition })));

describe('assignLanes', () => {
  it("gives each partition number's topics to one member, so a tenant's topics are never split", () => {
    const assignment = assignLanes(['m-b', 'm-a'], topics(['telephony.call-started', 'licensing.events', 'telephony.call-ended'], 3));
    expect(Object.fromEntries(assignment)).toEqual({
      'm-a': { 'licensing.events': [0, 2], 'telephony.call-ended': [0, 2], 'telephony.call-started': [0, 2] },
      'm-b': { 'licensing.events': [1], 'telephony.call-ended': [1], 'telephony.call-started': [1] },
    });
  });

  it('covers every topic-partition exactly once, whatever the members', () => {
    const all = topics(['a', 'b', 'c'], 12);
    for (const members of [['x'], ['x', 'y'], ['x', 'y', 'z'], ['1', '2', '3', '4', '5']]) {
      const assigned = [...assignLanes(members, all).values()].flatMap((byTopic) =>
        Object.entries(byTopic).flatMap(([topic, ps]) => ps.map((p) => `${topic}/${p}`)),
      );
      expect(assigned.sort()).toEqual(all.map(({ topic, partition }) => `${topic}/${partition}`).sort());
    }
  });

  it('leaves members beyond the partition count without work rather than splitting a lane', () => {
    const assignment = assignLanes(['a', 'b', 'c'], topics(['x', 'y'], 2));
    expect(assignment.get('c')).toEqual({});
    expect(assignment.get('a')).toEqual({ x: [0], y: [0] });
  });
});
