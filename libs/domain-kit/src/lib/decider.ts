import { DomainError, Result } from './result';

/** An event as a decider sees it: a type alias and its data. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}

/**
 * An aggregate as a pure decider (Chassaing; Emmett; Dudycz): no I/O, so it is tested as
 * "given these events, when this command, then these events / this error".
 */
export interface Decider<Command, Event extends DomainEvent, State, Error extends DomainError = DomainError> {
  initialState(): State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): Result<Event[], Error>;
}

export function fold<Event, State>(evolve: (s: State, e: Event) => State, initial: State, events: Event[]): State {
  return events.reduce(evolve, initial);
}
