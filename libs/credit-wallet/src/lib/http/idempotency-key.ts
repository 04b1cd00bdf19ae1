import { IDEMPOTENCY_KEY } from '@comms-credits/contracts';
import { ProblemException } from '@comms-credits/platform';

/** The `Idempotency-Key` header: required on funding (money is added once per key), 1-255 visible ASCII characters. */
export function requireIdempotencyKey(value: string | undefined): string {
  if (value === undefined || value === '') {
    throw new ProblemException(
      400,
      'WALLET.IDEMPOTENCY_KEY_REQUIRED',
      'Idempotency key required',
      'send an Idempotency-Key header: a retried request with the same key adds the funds once',
    );
  }
  if (!IDEMPOTENCY_KEY.test(value)) throw ProblemException.invalid([{ name: 'Idempotency-Key', reason: 'must be 1-255 visible ASCII characters' }]);
  return value;
}
