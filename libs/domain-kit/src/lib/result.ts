/**
 * An expected business failure with a stable code (`WALLET.INSUFFICIENT_FUNDS`). Domain and
 * application code return these; only the edge (HTTP, Kafka) maps them to a transport.
 */
export class DomainError<Code extends string = string> {
  constructor(
    readonly code: Code,
    readonly message: string,
    /** The kind of refusal, for the edge: bad input, a conflict with current state, or a rule. */
    readonly kind: 'invalid' | 'not-found' | 'conflict' | 'rule' = 'rule',
    readonly details: Record<string, unknown> = {},
  ) {}
}

export type Result<T, E = DomainError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const fail = <E>(error: E): Result<never, E> => ({ ok: false, error });
