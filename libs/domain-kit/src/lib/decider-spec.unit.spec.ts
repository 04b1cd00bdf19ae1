import { Decider } from './decider';
import { accepted, deciderSpec } from './decider-spec';
import { DomainError, fail, ok } from './result';

/** A counter that adds what it is told, once per key, and refuses to go above 10. */
type Added = { type: 'Added'; data: { key: string; amount: number } };
type Counter = { total: number; keys: string[] };
const counter: Decider<{ key: string; amount: number }, Added, Counter> = {
  initialState: () => ({ total: 0, keys: [] }),
  evolve: (state, { data }) => ({ total: state.total + data.amount, keys: [...state.keys, data.key] }),
  decide: ({ key, amount }, state) => {
    if (state.keys.includes(key)) return ok([]);
    if (state.total + amount > 10) return fail(new DomainError('COUNTER.FULL', `${state.total} + ${amount} is above 10`));
    return ok([{ type: 'Added', data: { key, amount } }]);
  },
};
const added = (key: string, amount: number): Added => ({ type: 'Added', data: { key, amount } });
const spec = deciderSpec(counter);

describe('deciderSpec', () => {
  it('given events, when a command, then its events, the state after and the history; and goes on from there', () => {
    const first = spec.given([added('a', 2)]).when({ key: 'b', amount: 3 });
    expect(first).toMatchObject({ events: [added('b', 3)], state: { total: 5 }, history: [added('a', 2), added('b', 3)] });
    expect(first.and.when({ key: 'b', amount: 3 })).toMatchObject({ events: [], state: { total: 5 } });
  });

  it('then a refusal: no events, the state and history as given, and it goes on from them', () => {
    const refused = spec.given([added('a', 9)]).when({ key: 'b', amount: 2 });
    expect(refused).toMatchObject({ events: [], error: { code: 'COUNTER.FULL' }, state: { total: 9 }, history: [added('a', 9)] });
    expect(refused.and.when({ key: 'c', amount: 1 }).state.total).toBe(10);
  });

  it('takes what commands decide as given, and throws when one of them is refused', () => {
    const given = spec.given().after({ key: 'a', amount: 4 }, { key: 'b', amount: 5 });
    expect(given.history).toEqual([added('a', 4), added('b', 5)]);
    expect(given.state).toEqual({ total: 9, keys: ['a', 'b'] });
    expect(() => given.after({ key: 'c', amount: 2 })).toThrow('refused: COUNTER.FULL (9 + 2 is above 10)');
  });

  it('starts from a given state the events alone do not reach', () => {
    const given = spec.givenState({ total: 0, keys: ['a'] });
    expect(given.history).toEqual([]);
    expect(given.when({ key: 'a', amount: 1 }).events).toEqual([]);
    expect(given.when({ key: 'b', amount: 1 }).state).toEqual({ total: 1, keys: ['a', 'b'] });
  });

  it('accepted: the events of an accepted outcome, a refusal thrown with its code', () => {
    expect(accepted(spec.given().when({ key: 'a', amount: 1 }))).toEqual([added('a', 1)]);
    expect(accepted(spec.given([added('a', 1)]).when({ key: 'a', amount: 1 }))).toEqual([]);
    expect(() => accepted(spec.given().when({ key: 'a', amount: 11 }))).toThrow('refused: COUNTER.FULL');
  });
});
