import { Decider, DomainEvent, fold } from './decider';
import { DomainError } from './result';

/** What a decider did with one command: the events it decided (or its refusal), and the state after. */
export interface Outcome<Event, State> {
  events: Event[];
  error?: DomainError;
  state: State;
}

/** A point of a given/when/then: the events so far and the state they lead to. */
export interface Given<Command, Event, State> {
  history: Event[];
  state: State;
  /** When this command: what the decider did, and `and` to go on from the events so far. */
  when(command: Command): Outcome<Event, State> & { history: Event[]; and: Given<Command, Event, State> };
  /** Given also what these commands decide, one after another: setup, so a refusal throws with its code. */
  after(...commands: Command[]): Given<Command, Event, State>;
}

/** The events of an outcome the decider accepted; a refusal throws with its code (a `then` that expects no refusal). */
export function accepted<Event>(outcome: { events: Event[]; error?: DomainError }): Event[] {
  if (outcome.error) throw new Error(`refused: ${outcome.error.code} (${outcome.error.message})`);
  return outcome.events;
}

/**
 * Given/when/then for deciders, without I/O (Emmett's `DeciderSpecification`, in a few lines):
 * `given(events).when(command)` folds the history, decides and evolves; `.and.when(command)`
 * chains a further command on the events decided so far, `.after(...commands)` takes what
 * commands decide as given. `givenState(state)` starts from a state the events alone do not
 * reach (what the application loads beside the stream).
 */
export function deciderSpec<Command, Event extends DomainEvent, State>(decider: Decider<Command, Event, State>) {
  const point = (history: Event[], state: State): Given<Command, Event, State> => ({
    history,
    state,
    when: (command) => {
      const result = decider.decide(command, state);
      if (!result.ok) return { events: [], error: result.error, state, history, and: point(history, state) };
      const after = fold(decider.evolve, state, result.value);
      const next = [...history, ...result.value];
      return { events: result.value, state: after, history: next, and: point(next, after) };
    },
    after: (...commands) =>
      commands.reduce<Given<Command, Event, State>>(
        (given, command) => {
          const outcome = given.when(command);
          accepted(outcome);
          return outcome.and;
        },
        point(history, state),
      ),
  });
  return {
    given: (events: Event[] = []) => point(events, fold(decider.evolve, decider.initialState(), events)),
    givenState: (state: State) => point([], state),
  };
}
