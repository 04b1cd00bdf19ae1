import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who is making a change: the `sub` of the verified bearer token and its roles. Stored as
 * `metadata.actor` of every event appended while handling their request.
 */
export interface Actor {
  sub: string;
  roles: string[];
}

const context = new AsyncLocalStorage<Actor>();

/**
 * Runs `work` on behalf of `actor`: every event the store appends meanwhile (in this async
 * context) records them. The HTTP layer sets it once per request; code between never passes it.
 */
export function runAsActor<T>(actor: Actor, work: () => T): T {
  return context.run(Object.freeze({ sub: actor.sub, roles: [...actor.roles] }), work);
}

/** The actor of the request being handled, if any (none for consumed messages and workers). */
export function currentActor(): Actor | undefined {
  return context.getStore();
}
