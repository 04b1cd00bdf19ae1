/** Whether a long-running part of a service is doing its job; `detail` says why not. */
export interface ComponentState {
  up: boolean;
  detail?: string;
}

/** A consumer, a relay: something readiness must report on by name. */
export interface Supervised {
  readonly name: string;
  state(): ComponentState;
}

/**
 * The long-running parts of one process, for readiness. Components register when they start
 * (a transport creates its consumer only in `listen`), so the health check asks this registry
 * instead of holding them.
 */
export class Supervision {
  private readonly components = new Map<string, Supervised>();

  register(component: Supervised): void {
    this.components.set(component.name, component);
  }

  unregister(component: Supervised): void {
    if (this.components.get(component.name) === component) this.components.delete(component.name);
  }

  states(): { name: string; state: ComponentState }[] {
    return [...this.components.values()].map((component) => ({ name: component.name, state: component.state() }));
  }
}
