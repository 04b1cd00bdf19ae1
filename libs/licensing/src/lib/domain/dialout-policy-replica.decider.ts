import { Decider, DomainEvent, ok } from '@comms-credits/domain-kit';

/** A user's own dial-out policy as the dial-out policy service restated it. */
export interface LearnedUserPolicy {
  userId: string;
  policyName: string;
}

/**
 * What licensing has learned of a tenant's dial-out policies from `dialout-policy.events`
 * (stream `dialout-policies:<tenant>`): the replica admission screens calls by in licensing's
 * own hop (docs/architecture.md, "Admission in fewer hops"). The dial-out policy service owns
 * the policies; these events only record that licensing saw its facts, in the order it
 * published them (keyed by tenant, so one partition per tenant). Internal: never published.
 */
export type DialoutPolicyReplicaEvent =
  /**
   * One page of a restatement; `complete`: every page of it has now been learned, so the
   * tenant's policies are known (a tenant never restated is not: its grants may be unseen).
   */
  | DomainEvent<
      'DialoutPoliciesRestatementLearned',
      { globalPolicy: string | null; userPolicies: LearnedUserPolicy[]; page: number; pages: number; complete: boolean }
    >
  | DomainEvent<'DialoutGlobalPolicyLearned', { policyName: string }>
  /** null: the user's own policy was removed, the Global one applies to them again. */
  | DomainEvent<'DialoutUserPolicyLearned', { userId: string; policyName: string | null }>;

export type DialoutPolicyReplicaCommand =
  | { type: 'LearnRestatement'; globalPolicy: string | null; userPolicies: LearnedUserPolicy[]; page: number; pages: number }
  | { type: 'LearnGlobalPolicy'; policyName: string }
  | { type: 'LearnUserPolicy'; userId: string; policyName: string | null };

export interface DialoutPolicyReplicaState {
  /** The restatement's pages learned so far (it is stated once per tenant). */
  learnedPages: readonly number[];
  known: boolean;
}

export const dialoutPolicyReplicaDecider: Decider<DialoutPolicyReplicaCommand, DialoutPolicyReplicaEvent, DialoutPolicyReplicaState> = {
  initialState: () => ({ learnedPages: [], known: false }),

  evolve: (state, event) => {
    if (event.type !== 'DialoutPoliciesRestatementLearned') return state;
    return { learnedPages: [...state.learnedPages, event.data.page], known: event.data.complete };
  },

  decide: (command, state) => {
    switch (command.type) {
      case 'LearnRestatement': {
        const { type: _type, ...page } = command;
        // A page seen again (republished with a new event id) adds nothing.
        if (state.learnedPages.includes(page.page)) return ok([]);
        const complete = state.known || state.learnedPages.length + 1 >= page.pages;
        return ok([{ type: 'DialoutPoliciesRestatementLearned', data: { ...page, complete } }]);
      }
      case 'LearnGlobalPolicy':
        return ok([{ type: 'DialoutGlobalPolicyLearned', data: { policyName: command.policyName } }]);
      case 'LearnUserPolicy':
        return ok([{ type: 'DialoutUserPolicyLearned', data: { userId: command.userId, policyName: command.policyName } }]);
    }
  },
};
