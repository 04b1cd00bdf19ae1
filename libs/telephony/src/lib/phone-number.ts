import { E164 } from '@comms-credits/contracts';
import { DomainError, fail, ok, Result } from '@comms-credits/domain-kit';
import { parsePhoneNumberFromString, PhoneNumber } from 'libphonenumber-js/max';
import { CountryCode } from './country-code';

export const TelephonyErrorCodes = {
  InvalidNumber: 'TELEPHONY.INVALID_NUMBER',
} as const;
export type TelephonyErrorCode = (typeof TelephonyErrorCodes)[keyof typeof TelephonyErrorCodes];

export type InvalidNumberError = DomainError<typeof TelephonyErrorCodes.InvalidNumber>;

function invalidNumber(number: string, why: string): InvalidNumberError {
  return new DomainError(TelephonyErrorCodes.InvalidNumber, `${JSON.stringify(number)} ${why}`, 'invalid', { number });
}

/**
 * Parses an E.164 number with the full ("max") metadata, which tells numbers apart by their
 * national ranges, not only by their country calling code: that is what puts +1 250… in CA,
 * +1 787… in PR and +1 425… in the US. The strict E.164 shape of the contract (`+` and digits,
 * no spaces) is required first, so a number that a person would read as valid but that the
 * contract refuses is refused here too.
 */
function parseE164(e164: string): Result<PhoneNumber, InvalidNumberError> {
  if (!E164.test(e164)) return fail(invalidNumber(e164, 'is not an E.164 number (+ and up to 15 digits)'));
  const number = parsePhoneNumberFromString(e164);
  if (!number || !number.isValid()) return fail(invalidNumber(e164, 'is not a valid phone number in any country'));
  return ok(number);
}

/** Most answers each lookup below keeps (numbers repeat: a tenant's users, bridges, queues). */
export const REMEMBERED_NUMBERS = 10_000;

/**
 * A lookup that remembers its last answers: parsing with the full metadata costs tens of
 * microseconds per number, and the services ask about the same numbers for every call (the
 * reporting service spent a tenth of its CPU here). The answer depends on the number alone, so
 * remembering it changes nothing but the time; the oldest answer goes first when full.
 */
function remembered<T>(lookup: (e164: string) => T): (e164: string) => T {
  const answers = new Map<string, T>();
  return (e164) => {
    if (answers.has(e164)) return answers.get(e164)!;
    const answer = lookup(e164);
    if (answers.size >= REMEMBERED_NUMBERS) answers.delete(answers.keys().next().value!);
    answers.set(e164, answer);
    return answer;
  };
}

/**
 * The country of an E.164 number, from the number itself (design.md): rates and Zone A depend
 * on where the number is, not where the caller is. A valid non-geographic number (+800
 * international freephone, +881 satellite…) has no country and is refused the same way, as
 * nothing in the domain can price or zone it.
 */
export const countryOfNumber: (e164: string) => Result<CountryCode, InvalidNumberError> = remembered((e164) => {
  const parsed = parseE164(e164);
  if (!parsed.ok) return parsed;
  const country = parsed.value.country;
  if (!country) return fail(invalidNumber(e164, 'is a non-geographic number with no country'));
  return ok(country);
});

/**
 * Whether a number is a toll-free number (libphonenumber type TOLL_FREE): inbound minutes to
 * these are billed to the tenant's credits. Anything that is not a valid E.164 number is not
 * toll-free.
 */
export const isTollFreeNumber: (e164: string) => boolean = remembered((e164) => {
  const parsed = parseE164(e164);
  return parsed.ok && parsed.value.getType() === 'TOLL_FREE';
});
