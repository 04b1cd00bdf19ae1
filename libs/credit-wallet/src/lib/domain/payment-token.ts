import { DomainError } from '@comms-credits/domain-kit';
import { WalletErrors } from './wallet.errors';

/**
 * 13 to 19 digits, whatever separates them (spaces, dashes, dots, slashes, underscores, up to
 * three of any non-alphanumeric characters between two digits): a primary account number (PAN),
 * e.g. `4111 1111 1111 1111`, `4111.1111.1111.1111`, `4111_1111_1111_1111`. A letter ends the run,
 * so providers' tokens and UUIDs with digits here and there still pass.
 */
const PAN_LIKE = /\d(?:[^A-Za-z0-9]{0,3}\d){12,18}/;
const TOKEN = /^[A-Za-z0-9][A-Za-z0-9_:.-]{2,199}$/;

/**
 * Payment methods are kept as the provider's tokens only (domain.md). Anything holding a
 * card-number-like run of digits is refused before it is stored or logged anywhere.
 */
export function checkPaymentToken(token: string): DomainError | undefined {
  if (PAN_LIKE.test(token)) return WalletErrors.cardNumberNotAccepted();
  if (!TOKEN.test(token)) return WalletErrors.invalidPaymentToken();
  return undefined;
}

/** What may be shown of a token: its last four characters. */
export function tokenHint(token: string): string {
  return `…${token.slice(-4)}`;
}
