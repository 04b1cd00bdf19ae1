import { Envelope, LicensedUserV1, LicensedUsersRestatedV1 } from '@comms-credits/contracts';
import { Decider, DomainEvent, ok } from '@comms-credits/domain-kit';

/**
 * A tenant's users as a whole (stream `licensed-users:<tenant>`): the restatements of every
 * user's usage location and licences, published on `licensing.events` for pool-ledger's replica
 * (docs/architecture.md, "Admission in one hop"). The users themselves stay on their own streams.
 */
export type LicensedUsersEvent = DomainEvent<'LicensedUsersRestated', Omit<LicensedUsersRestatedV1, keyof Envelope>>;

export type LicensedUsersCommand = { type: 'RestateUsers'; users: LicensedUserV1[] };

export interface LicensedUsersState {
  /** The newest edition restated (0: never). */
  restatedEdition: number;
}

/**
 * The edition licensing restates a tenant's users in now; a tenant restated in an older one is
 * restated again. Edition 2 (session 10): made once licensing decides only the calls the pool
 * refers to it, so the pool may decide the tenant's calls itself (its CALLERS_HANDED_OVER_EDITION);
 * edition 1 was made while licensing still decided every outbound call.
 */
export const USERS_RESTATEMENT_EDITION = 2;

/**
 * Users per page: a restated user is at most 3 keys and 8 licences (12 JSON members) and under
 * 500 bytes even with a 128-character id, so a page of 100 stays under a consumer's 2,000-member
 * and 64 KiB limits (message-guard.ts), which every reader of the topic applies before it skips a
 * type it does not read.
 */
export const RESTATED_USERS_PER_PAGE = 100;

export function licensedUsersStreamId(tenantId: string): string {
  return `licensed-users:${tenantId}`;
}

export const licensedUsersDecider: Decider<LicensedUsersCommand, LicensedUsersEvent, LicensedUsersState> = {
  initialState: () => ({ restatedEdition: 0 }),

  evolve: (state, event) => ({ restatedEdition: Math.max(state.restatedEdition, event.data.edition) }),

  decide: (command, state) => {
    if (state.restatedEdition >= USERS_RESTATEMENT_EDITION) return ok([]);
    const users = [...command.users].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
    const pages = Math.max(1, Math.ceil(users.length / RESTATED_USERS_PER_PAGE));
    return ok(
      Array.from({ length: pages }, (_, i) => ({
        type: 'LicensedUsersRestated' as const,
        data: {
          users: users.slice(i * RESTATED_USERS_PER_PAGE, (i + 1) * RESTATED_USERS_PER_PAGE).map((u) => ({ ...u, licenses: [...u.licenses].sort() })),
          page: i + 1,
          pages,
          edition: USERS_RESTATEMENT_EDITION,
        },
      })),
    );
  },
};
