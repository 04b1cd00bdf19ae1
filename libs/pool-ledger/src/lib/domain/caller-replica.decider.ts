import { LicensedUserV1, Sku } from '@comms-credits/contracts';
import { Decider, DomainEvent, NO_RESTATEMENT, RestatementProgress, learnRestatementPage, ok } from '@comms-credits/domain-kit';

/**
 * What the pool has learned of a tenant's users from `licensing.events` (stream
 * `callers:<tenant>`): each caller's usage location and licences, the replica the one-hop
 * admission will entitle calls by (docs/architecture.md, "Admission in one hop"). Licensing
 * owns the users; these events only record that the pool saw its facts, in the order it
 * published them (keyed by tenant, so one partition per tenant). Internal: never published.
 */
export type CallerReplicaEvent =
  /**
   * One page of a restatement; `complete`: every page of it has now been learned, so the
   * tenant's users are known (a tenant never restated is not: most of its users predate this).
   */
  | DomainEvent<'CallersRestatementLearned', { users: LicensedUserV1[]; page: number; pages: number; edition: number; complete: boolean }>
  /** A user created or moved (`UserUpserted`); null: no usage location. */
  | DomainEvent<'CallerLearned', { userId: string; usageLocation: string | null }>
  | DomainEvent<'CallerLicenceLearned', { userId: string; sku: Sku; assigned: boolean }>;

export type CallerReplicaCommand =
  | { type: 'LearnRestatement'; users: LicensedUserV1[]; page: number; pages: number; edition: number }
  | { type: 'LearnCaller'; userId: string; usageLocation: string | null }
  | { type: 'LearnLicence'; userId: string; sku: Sku; assigned: boolean };

export type CallerReplicaState = RestatementProgress;

/**
 * The restatement edition from which the pool may decide a tenant's calls in one hop: one that
 * licensing makes once it decides only the calls the pool refers to it, as dial-out policy's
 * edition 2 did for licensing (session 9). Licensing restates in edition 1 until then: learned,
 * but it makes no tenant known, or the pool and licensing would both decide its calls.
 */
export const CALLERS_HANDED_OVER_EDITION = 2;

export function callersStreamId(tenantId: string): string {
  return `callers:${tenantId}`;
}

export const callerReplicaDecider: Decider<CallerReplicaCommand, CallerReplicaEvent, CallerReplicaState> = {
  initialState: () => NO_RESTATEMENT,

  evolve: (state, event) => {
    if (event.type !== 'CallersRestatementLearned') return state;
    return { ...learnRestatementPage(state, event.data, CALLERS_HANDED_OVER_EDITION), known: event.data.complete };
  },

  decide: (command, state) => {
    switch (command.type) {
      case 'LearnRestatement': {
        const { type: _type, ...page } = command;
        // A message delivered twice is stopped by the inbox; a page is the users when it was
        // made (the changes published after it follow it).
        const { known: complete } = learnRestatementPage(state, page, CALLERS_HANDED_OVER_EDITION);
        return ok([{ type: 'CallersRestatementLearned', data: { ...page, complete } }]);
      }
      case 'LearnCaller':
        return ok([{ type: 'CallerLearned', data: { userId: command.userId, usageLocation: command.usageLocation } }]);
      case 'LearnLicence':
        return ok([{ type: 'CallerLicenceLearned', data: { userId: command.userId, sku: command.sku, assigned: command.assigned } }]);
    }
  },
};
