import { DomainError } from '@comms-credits/domain-kit';

/** The stable codes of the toll-free refusals (design.md names the three acquisition ones). */
export const TollFreeErrorCodes = {
  RequiresCredits: 'TOLL_FREE_REQUIRES_CREDITS',
  QuotaReached: 'TOLL_FREE_QUOTA_REACHED',
  NoneAvailable: 'TOLL_FREE_NONE_AVAILABLE',
  NumberNotFound: 'TOLL_FREE_NUMBER_NOT_FOUND',
  IdempotencyKeyReused: 'TOLL_FREE_IDEMPOTENCY_KEY_REUSED',
} as const;

export const TollFreeErrors = {
  requiresCredits: (billingSetUp: boolean) =>
    new DomainError(
      TollFreeErrorCodes.RequiresCredits,
      billingSetUp
        ? 'acquiring a toll-free number needs a positive Communications Credits balance: add funds to the wallet first'
        : 'acquiring a toll-free number needs billed Communications Credits set up with a positive balance: fund the wallet first',
      'conflict',
      { billingSetUp },
    ),
  quotaReached: (quota: number, licences: number, held: number) =>
    new DomainError(
      TollFreeErrorCodes.QuotaReached,
      `the tenant holds ${held} toll-free numbers, the most its ${licences} Phone System and Audio Conferencing licences allow (${quota})`,
      'conflict',
      { quota, licences, held },
    ),
  noneAvailable: (country: string) => new DomainError(TollFreeErrorCodes.NoneAvailable, `no toll-free number is left in ${country}`, 'conflict', { country }),
  idempotencyKeyReused: (country: string) =>
    new DomainError(
      TollFreeErrorCodes.IdempotencyKeyReused,
      `this Idempotency-Key was used for an acquisition in ${country}: use a new key for another request`,
      'rule',
      { country },
    ),
  numberNotFound: (number: string) =>
    new DomainError(TollFreeErrorCodes.NumberNotFound, `${number} is not one of the tenant's toll-free numbers`, 'not-found', { number }),
};
