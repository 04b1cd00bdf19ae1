import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { Envelope } from './envelope';

type Constructor<T> = new () => T;
type Plain = Record<string, unknown>;

/** Turns version `n` of an event into version `n + 1` (a pure function on plain objects). */
export type Upcaster = (event: Plain) => Plain;

export interface SchemaDefinition<T extends Envelope> {
  /** The stable type alias of the contract, e.g. `CallStarted`. */
  type: string;
  /** The class (with class-validator decorators) of the latest version. */
  schema: Constructor<T>;
  /** The latest version; older versions are upcast to it. */
  latestVersion: number;
  /** `upcasters[n]` turns version n into n + 1. */
  upcasters?: Record<number, Upcaster>;
}

export type DecodeErrorCode =
  /** Not an error: a type this consumer does not care about on a topic it shares (see `ignoreUnknownTypes`). */
  'IGNORED_EVENT_TYPE' | 'MALFORMED_JSON' | 'NOT_AN_OBJECT' | 'UNKNOWN_EVENT_TYPE' | 'UNSUPPORTED_VERSION' | 'SCHEMA_VIOLATION';

export interface DecodeFailure {
  ok: false;
  code: DecodeErrorCode;
  message: string;
  /** What could be read of the envelope, to name the event in logs and dead letters. */
  eventId?: string;
  tenantId?: string;
}

export interface DecodeSuccess<T> {
  ok: true;
  event: T;
}

export type DecodeResult<T> = DecodeSuccess<T> | DecodeFailure;

/**
 * The schemas a consumer accepts, by type alias. Decoding parses JSON, upcasts older versions
 * to the latest one and validates the result with class-validator, returning a specific error
 * instead of throwing: a malformed event is a dead letter, never a crash.
 */
export class SchemaRegistry {
  private readonly definitions = new Map<string, SchemaDefinition<Envelope>>();

  /**
   * `ignoreUnknownTypes`: a service's event topic carries many types and gains new ones; a
   * consumer registers those it reads and skips the rest (a tolerant reader). Upstream
   * topics keep the default: an unknown type there is a dead letter.
   */
  constructor(private readonly options: { ignoreUnknownTypes?: boolean } = {}) {}

  register<T extends Envelope>(definition: SchemaDefinition<T>): this {
    if (this.definitions.has(definition.type)) {
      throw new Error(`schema for event type ${definition.type} is registered twice`);
    }
    this.definitions.set(definition.type, definition as unknown as SchemaDefinition<Envelope>);
    return this;
  }

  types(): string[] {
    return [...this.definitions.keys()];
  }

  /**
   * The same schemas for `types` only, every other type skipped (`IGNORED_EVENT_TYPE`): for a
   * consumer that handles a few of a shared topic's types. A skipped message is never
   * validated and opens no transaction (nothing of it reaches a handler or the inbox), so a
   * service pays nothing for the events of a topic it does not read.
   */
  only(...types: string[]): SchemaRegistry {
    const narrowed = new SchemaRegistry({ ignoreUnknownTypes: true });
    for (const type of types) {
      const definition = this.definitions.get(type);
      if (!definition) throw new Error(`no schema for event type ${type} to keep; registered: ${this.types().join(', ')}`);
      narrowed.register(definition);
    }
    return narrowed;
  }

  decode<T extends Envelope = Envelope>(raw: string | Buffer | null | undefined): DecodeResult<T> {
    if (raw === null || raw === undefined || raw.length === 0) {
      return { ok: false, code: 'MALFORMED_JSON', message: 'message value is empty' };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString());
    } catch (error) {
      return { ok: false, code: 'MALFORMED_JSON', message: `value is not JSON: ${(error as Error).message}` };
    }
    return this.validate<T>(parsed);
  }

  validate<T extends Envelope = Envelope>(parsed: unknown): DecodeResult<T> {
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return { ok: false, code: 'NOT_AN_OBJECT', message: 'event must be a JSON object' };
    }
    let plain = parsed as Plain;
    const ids = {
      eventId: typeof plain['eventId'] === 'string' ? (plain['eventId'] as string) : undefined,
      tenantId: typeof plain['tenantId'] === 'string' ? (plain['tenantId'] as string) : undefined,
    };
    const definition = this.definitions.get(String(plain['type']));
    if (!definition && this.options.ignoreUnknownTypes && typeof plain['type'] === 'string') {
      return { ok: false, code: 'IGNORED_EVENT_TYPE', message: `${plain['type']} is not read by this consumer`, ...ids };
    }
    if (!definition) {
      return {
        ok: false,
        code: 'UNKNOWN_EVENT_TYPE',
        message: `unknown event type ${JSON.stringify(plain['type'])}; expected one of ${this.types().join(', ')}`,
        ...ids,
      };
    }
    const version = plain['version'];
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
      return { ok: false, code: 'SCHEMA_VIOLATION', message: 'version must be a positive integer', ...ids };
    }
    if (version > definition.latestVersion) {
      return {
        ok: false,
        code: 'UNSUPPORTED_VERSION',
        message: `${definition.type} version ${version} is newer than the latest known (${definition.latestVersion})`,
        ...ids,
      };
    }
    for (let v = version; v < definition.latestVersion; v++) {
      const upcast = definition.upcasters?.[v];
      if (!upcast) {
        return {
          ok: false,
          code: 'UNSUPPORTED_VERSION',
          message: `${definition.type} version ${v} cannot be upcast (no upcaster from v${v})`,
          ...ids,
        };
      }
      plain = { ...upcast(plain), version: v + 1 };
    }
    const instance = plainToInstance(definition.schema, plain);
    const errors = validateSync(instance, { forbidUnknownValues: true });
    if (errors.length > 0) {
      return { ok: false, code: 'SCHEMA_VIOLATION', message: describeValidationErrors(errors), ...ids };
    }
    return { ok: true, event: instance as unknown as T };
  }
}

/** `durationSeconds: durationSeconds must not be less than 0; callId: …` */
export function describeValidationErrors(errors: ValidationError[], parent = ''): string {
  return errors
    .flatMap((error) => {
      const path = parent ? `${parent}.${error.property}` : error.property;
      const own = Object.values(error.constraints ?? {}).map((message) => `${path}: ${message}`);
      const nested = error.children?.length ? [describeValidationErrors(error.children, path)] : [];
      return [...own, ...nested];
    })
    .join('; ');
}
