import { Envelope, LicenseAssignedV1, LicenseUnassignedV1, Sku, SubscriptionSeatsChangedV1, UserUpsertedV1 } from '@comms-credits/contracts';
import { Decider, DomainError, DomainEvent, fail, ok } from '@comms-credits/domain-kit';
import { UNLIMITED_SKUS } from '@comms-credits/licensing-rules';

/** A user of a tenant: usage location and assigned licences (stream `user:<tenant>:<userId>`). */
export type UserEvent =
  | DomainEvent<'UserUpserted', Omit<UserUpsertedV1, keyof Envelope> & { displayName: string | null }>
  | DomainEvent<'LicenseAssigned', Omit<LicenseAssignedV1, keyof Envelope>>
  | DomainEvent<'LicenseUnassigned', Omit<LicenseUnassignedV1, keyof Envelope>>;

export type UserCommand =
  | { type: 'UpsertUser'; userId: string; usageLocation: string | null; displayName: string | null }
  /** `seats` is the tenant's subscription of that SKU, read (and locked) by the caller. */
  | { type: 'AssignLicense'; userId: string; sku: Sku; seats: { purchased: number; assigned: number } }
  | { type: 'UnassignLicense'; userId: string; sku: Sku };

export interface UserState {
  exists: boolean;
  usageLocation: string | null;
  displayName: string | null;
  licenses: readonly Sku[];
}

export const LicensingErrors = {
  userNotFound: (userId: string) => new DomainError('LICENSING.USER_NOT_FOUND', `no user ${userId}`, 'not-found'),
  usageLocationRequired: (userId: string, sku: Sku) =>
    new DomainError('LICENSING.USAGE_LOCATION_REQUIRED', `user ${userId} has no usage location: set one before assigning ${sku}`, 'rule'),
  usageLocationInUse: (userId: string) =>
    new DomainError('LICENSING.USAGE_LOCATION_IN_USE', `user ${userId} has licences: the usage location cannot be removed`, 'conflict'),
  notEnoughSeats: (sku: Sku, purchased: number) =>
    new DomainError('LICENSING.NOT_ENOUGH_SEATS', `all ${purchased} purchased ${sku} seats are assigned`, 'conflict', { sku, seats: purchased }),
  seatsBelowAssigned: (sku: Sku, seats: number, assigned: number) =>
    new DomainError(
      'LICENSING.SEATS_BELOW_ASSIGNED',
      `${assigned} ${sku} licences are assigned: seats cannot go down to ${seats}; unassign some first`,
      'conflict',
      { sku, seats, assigned },
    ),
};

export const userDecider: Decider<UserCommand, UserEvent, UserState> = {
  initialState: () => ({ exists: false, usageLocation: null, displayName: null, licenses: [] }),

  evolve: (state, event) => {
    switch (event.type) {
      case 'UserUpserted':
        return { ...state, exists: true, usageLocation: event.data.usageLocation, displayName: event.data.displayName };
      case 'LicenseAssigned':
        return { ...state, licenses: [...state.licenses, event.data.sku] };
      case 'LicenseUnassigned':
        return { ...state, licenses: state.licenses.filter((sku) => sku !== event.data.sku) };
      default:
        return state;
    }
  },

  decide: (command, state) => {
    switch (command.type) {
      case 'UpsertUser': {
        const { userId, usageLocation, displayName } = command;
        if (state.exists && state.usageLocation === usageLocation && state.displayName === displayName) return ok([]);
        if (usageLocation === null && state.licenses.length > 0) return fail(LicensingErrors.usageLocationInUse(userId));
        return ok([{ type: 'UserUpserted', data: { userId, usageLocation, displayName } }]);
      }
      case 'AssignLicense': {
        const { userId, sku, seats } = command;
        if (!state.exists) return fail(LicensingErrors.userNotFound(userId));
        if (state.licenses.includes(sku)) return ok([]);
        if (state.usageLocation === null) return fail(LicensingErrors.usageLocationRequired(userId, sku));
        if (!UNLIMITED_SKUS.includes(sku) && seats.assigned >= seats.purchased) {
          return fail(LicensingErrors.notEnoughSeats(sku, seats.purchased));
        }
        return ok([{ type: 'LicenseAssigned', data: { userId, sku } }]);
      }
      case 'UnassignLicense': {
        if (!state.exists) return fail(LicensingErrors.userNotFound(command.userId));
        if (!state.licenses.includes(command.sku)) return ok([]);
        return ok([{ type: 'LicenseUnassigned', data: { userId: command.userId, sku: command.sku } }]);
      }
    }
  },
};

/** A tenant's subscriptions: seats purchased per SKU (stream `subscriptions:<tenant>`). */
export type SubscriptionEvent = DomainEvent<'SubscriptionSeatsChanged', Omit<SubscriptionSeatsChangedV1, keyof Envelope>>;
export type SubscriptionCommand = { type: 'SetSeats'; sku: Sku; seats: number; assigned: number };
export type SubscriptionState = Partial<Record<Sku, number>>;

export const subscriptionDecider: Decider<SubscriptionCommand, SubscriptionEvent, SubscriptionState> = {
  initialState: () => ({}),
  evolve: (state, event) => ({ ...state, [event.data.sku]: event.data.seats }),
  decide: (command, state) => {
    const previousSeats = state[command.sku] ?? 0;
    if (previousSeats === command.seats) return ok([]);
    if (!UNLIMITED_SKUS.includes(command.sku) && command.seats < command.assigned) {
      return fail(LicensingErrors.seatsBelowAssigned(command.sku, command.seats, command.assigned));
    }
    return ok([{ type: 'SubscriptionSeatsChanged', data: { sku: command.sku, seats: command.seats, previousSeats } }]);
  },
};
