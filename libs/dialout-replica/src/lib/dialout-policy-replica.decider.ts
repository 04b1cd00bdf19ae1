import { Decider, DomainEvent, NO_RESTATEMENT, RestatementProgress, learnRestatementPage, ok } from '@comms-credits/domain-kit';

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
      { globalPolicy: string | null; userPolicies: LearnedUserPolicy[]; page: number; pages: number; edition: number; complete: boolean }
    >
  | DomainEvent<'DialoutGlobalPolicyLearned', { policyName: string }>
  /** null: the user's own policy was removed, the Global one applies to them again. */
  | DomainEvent<'DialoutUserPolicyLearned', { userId: string; policyName: string | null }>;

/**
 * The restatement edition from which dialout-policy screens only the calls licensing refers to
 * it (session 9). An older restatement was made while dialout-policy still screened every call
 * itself: learned, but it makes no tenant known, or both services would screen its calls.
 */
export const SCREENING_HANDED_OVER_EDITION = 2;

export type DialoutPolicyReplicaCommand =
  | { type: 'LearnRestatement'; globalPolicy: string | null; userPolicies: LearnedUserPolicy[]; page: number; pages: number; edition: number }
  | { type: 'LearnGlobalPolicy'; policyName: string }
  | { type: 'LearnUserPolicy'; userId: string; policyName: string | null };

export type DialoutPolicyReplicaState = RestatementProgress;

export const dialoutPolicyReplicaDecider: Decider<DialoutPolicyReplicaCommand, DialoutPolicyReplicaEvent, DialoutPolicyReplicaState> = {
  initialState: () => NO_RESTATEMENT,

  evolve: (state, event) => {
    if (event.type !== 'DialoutPoliciesRestatementLearned') return state;
    return { ...learnRestatementPage(state, event.data, SCREENING_HANDED_OVER_EDITION), known: event.data.complete };
  },

  decide: (command, state) => {
    switch (command.type) {
      case 'LearnRestatement': {
        const { type: _type, ...page } = command;
        // A message delivered twice is stopped by the inbox; a page here is a restatement's,
        // the policies in force when it was made (grants published after it follow it).
        const { known: complete } = learnRestatementPage(state, page, SCREENING_HANDED_OVER_EDITION);
        return ok([{ type: 'DialoutPoliciesRestatementLearned', data: { ...page, complete } }]);
      }
      case 'LearnGlobalPolicy':
        return ok([{ type: 'DialoutGlobalPolicyLearned', data: { policyName: command.policyName } }]);
      case 'LearnUserPolicy':
        return ok([{ type: 'DialoutUserPolicyLearned', data: { userId: command.userId, policyName: command.policyName } }]);
    }
  },
};
