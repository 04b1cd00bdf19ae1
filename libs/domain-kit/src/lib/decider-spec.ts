import { Decider, DomainEvent, fold } from './decider';
import { DomainError } from './result';

/** What a decider did with one command: the events it decided (or its refusal), and the state after. */
export interface Outcome<Event, State> {
  events: Event[];
  error?: DomainError;
  state: State;
}

/**
 * Given/when/then for deciders, without I/O (Emmett's `DeciderSpecification`, in a few lines):
 * `given(events).when(command)` folds the history, decides and evolves; `.then(command)`
 * chains a further command on the events decided so far.
 */
export function deciderSpec<Command, Event extends DomainEvent, State>(decider: Decider<Command, Event, State>) {
  const run = (history: Event[], command: Command): Outcome<Event, State> & { history: Event[] } => {
    const before = fold(decider.evolve, decider.initialState(), history);
    const result = decider.decide(command, before);
    if (!result.ok) return { events: [], error: result.error, state: before, history };
    return { events: result.value, state: fold(decider.evolve, before, result.value), history: [...history, ...result.value] };
  };
  const chain = (history: Event[]) => ({
    when: (command: Command) => {
      const outcome = run(history, command);
      return { ...outcome, and: chain(outcome.history) };
    },
  });
  return { given: (events: Event[] = []) => chain(events) };
}
