import { isUtf8 } from 'node:buffer';
import { DecodeErrorCode, Envelope, SchemaRegistry } from '@comms-credits/contracts';

/**
 * Why a message went to `<topic>.dlt` (header `dlt-reason`). Stable: operators and alerts
 * match on them.
 */
export const DeadLetterReasons = {
  MessageTooLarge: 'MESSAGE_TOO_LARGE',
  NestingTooDeep: 'NESTING_TOO_DEEP',
  InvalidUtf8: 'INVALID_UTF8',
  InvalidJson: 'INVALID_JSON',
  SchemaInvalid: 'SCHEMA_INVALID',
  UnknownVersion: 'UNKNOWN_VERSION',
  ProcessingFailed: 'PROCESSING_FAILED',
} as const;

export type DeadLetterReason = (typeof DeadLetterReasons)[keyof typeof DeadLetterReasons];

export interface MessageLimits {
  /** Largest value accepted, in bytes (default 64 KiB; our largest event is under 2 KiB). */
  maxBytes: number;
  /** Deepest nesting of objects and arrays (default 32; our events nest 3 deep at most). */
  maxDepth: number;
  /** Most keys and array elements in one message, all levels together (default 2,000). */
  maxMembers: number;
  /** Longest number literal (default 40 characters): `1e999999` or 10,000 digits is not data. */
  maxNumberLength: number;
}

export const DEFAULT_MESSAGE_LIMITS: MessageLimits = {
  maxBytes: 64 * 1024,
  maxDepth: 32,
  maxMembers: 2_000,
  maxNumberLength: 40,
};

export type GuardResult<E extends Envelope = Envelope> =
  | { ok: true; event: E }
  /** A type this consumer does not read on a shared topic: skipped, not dead-lettered. */
  | { ok: false; ignored: true }
  | { ok: false; ignored?: false; reason: DeadLetterReason; error: string };

/**
 * Everything between the broker's bytes and a typed event, in an order where nothing
 * recursive (JSON.parse, class-transformer, class-validator) ever sees a message it could
 * overflow the stack on: size, UTF-8, then an iterative scan of the JSON text for nesting and
 * member counts, then JSON.parse, then checks of every value (finite numbers, no control
 * characters in keys or ids), then the schema. Never throws: whatever fails is a reason.
 */
export function guardMessage<E extends Envelope = Envelope>(
  value: Buffer | null | undefined,
  registry: SchemaRegistry | undefined,
  limits: MessageLimits = DEFAULT_MESSAGE_LIMITS,
): GuardResult<E> {
  try {
    if (!registry) return fail('SCHEMA_INVALID', 'no schema is registered for this topic');
    if (value === null || value === undefined || value.length === 0) return fail('INVALID_JSON', 'message value is null or empty');
    if (value.length > limits.maxBytes) {
      return fail('MESSAGE_TOO_LARGE', `message value is ${value.length} bytes, over the limit of ${limits.maxBytes}`);
    }
    if (!isUtf8(value)) return fail('INVALID_UTF8', 'message value is not valid UTF-8');
    const text = value.toString('utf8');
    const shape = scanJson(text, limits);
    if (shape) return shape;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return fail('INVALID_JSON', `value is not JSON: ${(error as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return fail('SCHEMA_INVALID', `event must be a JSON object, got ${parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : typeof parsed}`);
    }
    const values = checkValues(parsed);
    if (values) return values;
    const decoded = registry.validate<E>(parsed);
    if (decoded.ok) return decoded;
    if (decoded.code === 'IGNORED_EVENT_TYPE') return { ok: false, ignored: true };
    return fail(reasonOf(decoded.code), decoded.message);
  } catch (error) {
    // A validator that throws (a bug, or an input nobody thought of) is this message's problem,
    // never the partition's.
    return fail('SCHEMA_INVALID', `validation failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
}

function fail(reason: DeadLetterReason, error: string): GuardResult<never> {
  return { ok: false, reason, error };
}

function reasonOf(code: Exclude<DecodeErrorCode, 'IGNORED_EVENT_TYPE'>): DeadLetterReason {
  switch (code) {
    case 'MALFORMED_JSON':
      return 'INVALID_JSON';
    case 'UNSUPPORTED_VERSION':
      return 'UNKNOWN_VERSION';
    case 'NOT_AN_OBJECT':
    case 'UNKNOWN_EVENT_TYPE':
    case 'SCHEMA_VIOLATION':
      return 'SCHEMA_INVALID';
  }
}

const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

/**
 * One pass over the text with a counter, no recursion and no allocation per level: stops at
 * the first bracket past `maxDepth`, so a 5,000-deep object costs 33 characters of work.
 * Syntax is JSON.parse's job; this only bounds what it will be given.
 */
export function scanJson(text: string, limits: MessageLimits): GuardResult<never> | undefined {
  let depth = 0;
  let members = 0;
  let numberLength = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      numberLength = 0;
      // Skip the string; an escape hides the character after it.
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === BACKSLASH) i++;
        else if (s === QUOTE) break;
      }
      continue;
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth++;
      if (depth > limits.maxDepth) return fail('NESTING_TOO_DEEP', `nesting deeper than ${limits.maxDepth} levels`);
      members++;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
    } else if (c === COMMA) {
      members++;
    }
    if (members > limits.maxMembers) return fail('MESSAGE_TOO_LARGE', `more than ${limits.maxMembers} keys and elements`);
    if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45) {
      if (++numberLength > limits.maxNumberLength) {
        return fail('SCHEMA_INVALID', `a number literal longer than ${limits.maxNumberLength} characters`);
      }
    } else {
      numberLength = 0;
    }
  }
  return undefined;
}

/** Keys, and string values of these keys, are identifiers: never a control character in them. */
const ID_KEY = /(^id$|Id$|^type$|Number$|^from$|^to$)/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Walks the parsed value (iteratively: the scan has bounded its depth anyway) for what no
 * schema decorator states: a number JSON can write but no event means (±Infinity from `1e999`,
 * beyond 2^53), a key or identifier with a control character, a string that is not Unicode.
 */
function checkValues(root: object): GuardResult<never> | undefined {
  const stack: { value: unknown; path: string }[] = [{ value: root, path: '' }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'number') {
      if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) {
        return fail('SCHEMA_INVALID', `${path || 'value'}: ${value} is not a plausible number`);
      }
    } else if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) return fail('SCHEMA_INVALID', `${path}: not a Unicode string (lone surrogate)`);
      const key = path.slice(path.lastIndexOf('.') + 1);
      if (ID_KEY.test(key) && CONTROL.test(value)) return fail('SCHEMA_INVALID', `${path}: control characters in an identifier`);
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => stack.push({ value: item, path: `${path}[${index}]` }));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        if (CONTROL.test(key) || key === '__proto__') return fail('SCHEMA_INVALID', `${path ? `${path}.` : ''}${JSON.stringify(key)}: not an acceptable key`);
        stack.push({ value: item, path: path ? `${path}.${key}` : key });
      }
    }
  }
  return undefined;
}
