import { randomUUID } from 'node:crypto';
import { IsString, getMetadataStorage, validateSync } from 'class-validator';
import { CallStartedV1, EventEnvelope, SchemaRegistry, telephonySchemas } from '../index';

const registry = telephonySchemas();

function callStarted(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventId: randomUUID(),
    type: 'CallStarted',
    version: 1,
    occurredAt: '2026-11-24T10:00:00.000Z',
    tenantId: 'contoso',
    callId: 'c-123',
    callType: 'conf_out',
    userId: 'alice',
    from: '+14255550100',
    to: '+33142685300',
    meetingId: 'm-9',
    ...overrides,
  };
}

describe('telephony schemas', () => {
  it('accepts the CallStarted example of design.md as a typed instance', () => {
    const result = registry.decode(JSON.stringify(callStarted()));
    expect(result.ok).toBe(true);
    expect(result.ok && result.event).toBeInstanceOf(CallStartedV1);
  });

  it('accepts a CallEnded', () => {
    const result = registry.decode(
      JSON.stringify({
        eventId: randomUUID(),
        type: 'CallEnded',
        version: 1,
        occurredAt: '2026-11-24T11:00:00Z',
        tenantId: 'contoso',
        callId: 'c-123',
        durationSeconds: 3600,
      }),
    );
    expect(result).toMatchObject({ ok: true });
  });

  it('names the field at fault for a negative duration', () => {
    const result = registry.decode(
      JSON.stringify({
        eventId: randomUUID(),
        type: 'CallEnded',
        version: 1,
        occurredAt: '2026-11-24T11:00:00Z',
        tenantId: 'contoso',
        callId: 'c-123',
        durationSeconds: -5,
      }),
    );
    expect(result).toMatchObject({ ok: false, code: 'SCHEMA_VIOLATION', tenantId: 'contoso' });
    expect(!result.ok && result.message).toContain('durationSeconds');
  });

  it('rejects bad JSON, unknown types and future versions with their own codes', () => {
    expect(registry.decode('{not json')).toMatchObject({ ok: false, code: 'MALFORMED_JSON' });
    expect(registry.decode('[1]')).toMatchObject({ ok: false, code: 'NOT_AN_OBJECT' });
    expect(registry.decode(JSON.stringify(callStarted({ type: 'CallParked' })))).toMatchObject({
      ok: false,
      code: 'UNKNOWN_EVENT_TYPE',
    });
    expect(registry.decode(JSON.stringify(callStarted({ version: 2 })))).toMatchObject({
      ok: false,
      code: 'UNSUPPORTED_VERSION',
    });
  });

  it.each([
    ['a missing callId', { callId: undefined }, 'callId'],
    ['an unknown callType', { callType: 'fax_out' }, 'callType'],
    ['a non-E.164 destination', { to: '0033142685300' }, 'to'],
    ['a missing organizer on conf_out', { userId: undefined }, 'userId'],
    ['a local-time occurredAt', { occurredAt: '2026-11-24T10:00:00+01:00' }, 'occurredAt'],
    ['an eventId that is no UUID', { eventId: 'e-1' }, 'eventId'],
  ])('rejects %s', (_label, overrides, field) => {
    const result = registry.decode(JSON.stringify(callStarted(overrides)));
    expect(result).toMatchObject({ ok: false, code: 'SCHEMA_VIOLATION' });
    expect(!result.ok && result.message).toContain(field);
  });

  it('lets a user dial an emergency short code, and only on user_out', () => {
    expect(registry.decode(JSON.stringify(callStarted({ callType: 'user_out', to: '911' }))).ok).toBe(true);
    expect(registry.decode(JSON.stringify(callStarted({ callType: 'conf_out', to: '911' }))).ok).toBe(false);
  });

  it('does not require a user on ucap_in', () => {
    const event = callStarted({ callType: 'ucap_in', userId: undefined, from: '+14255550100', to: '+18005550100' });
    expect(registry.decode(JSON.stringify(event)).ok).toBe(true);
  });

  it('upcasts an older version before validating, and refuses a gap in the chain', () => {
    class GreetedV3 extends EventEnvelope {
      @IsString()
      fullName!: string;
      @IsString()
      channel!: string;
    }
    const registry = new SchemaRegistry().register({
      type: 'Greeted',
      schema: GreetedV3,
      latestVersion: 3,
      upcasters: {
        1: ({ name, ...rest }) => ({ ...rest, fullName: name }),
        2: (event) => ({ ...event, channel: 'unknown' }),
      },
    });
    const v1 = { ...callStarted(), type: 'Greeted', version: 1, name: 'Ada' };
    expect(registry.validate(v1)).toMatchObject({
      ok: true,
      event: { version: 3, fullName: 'Ada', channel: 'unknown' },
    });

    const gappy = new SchemaRegistry().register({ type: 'Greeted', schema: GreetedV3, latestVersion: 3, upcasters: {} });
    expect(gappy.validate(v1)).toMatchObject({ ok: false, code: 'UNSUPPORTED_VERSION' });
  });
});

describe('a tolerant reader of a service topic', () => {
  it('skips types it does not read, but still rejects malformed ones', () => {
    const registry = new SchemaRegistry({ ignoreUnknownTypes: true }).register({ type: 'CallStarted', schema: CallStartedV1, latestVersion: 1 });
    expect(registry.decode(JSON.stringify({ type: 'SomethingNew', version: 3 }))).toMatchObject({ ok: false, code: 'IGNORED_EVENT_TYPE' });
    expect(registry.decode('{oops')).toMatchObject({ ok: false, code: 'MALFORMED_JSON' });
    expect(registry.decode(JSON.stringify({ type: 'CallStarted', version: 1 }))).toMatchObject({ ok: false, code: 'SCHEMA_VIOLATION' });
  });

  it('narrowed to the types a consumer handles, skips the rest of the topic unvalidated', () => {
    const both = telephonySchemas();
    const startsOnly = both.only('CallStarted');
    const ended = { ...callStarted(), type: 'CallEnded', durationSeconds: 60 };
    expect(both.validate(ended)).toMatchObject({ ok: true });
    expect(startsOnly.validate(ended)).toMatchObject({ ok: false, code: 'IGNORED_EVENT_TYPE' });
    // A kept type is still upcast and validated as before.
    expect(startsOnly.validate(callStarted())).toMatchObject({ ok: true, event: expect.any(CallStartedV1) });
    expect(startsOnly.validate(callStarted({ callId: 'has space' }))).toMatchObject({ ok: false, code: 'SCHEMA_VIOLATION' });
    expect(() => both.only('CallExploded')).toThrow(/no schema for event type CallExploded/);
  });
});

describe("class-validator's rule lookup (patches/class-validator+0.14.4.patch)", () => {
  const storage = getMetadataStorage() as ReturnType<typeof getMetadataStorage> & {
    getTargetValidationMetadatas(target: object, schema: string, always: boolean, strictGroups: boolean, groups?: string[]): unknown[];
  };

  it('finds the rules of a schema once, not by scanning every registered class at each validation', () => {
    const first = storage.getTargetValidationMetadatas(CallStartedV1, '', false, false);
    expect(storage.getTargetValidationMetadatas(CallStartedV1, '', false, false)).toBe(first);
    // Other options are their own lookup.
    expect(storage.getTargetValidationMetadatas(CallStartedV1, '', false, false, ['admin'])).not.toBe(first);
  });

  it('still sees rules declared after a lookup: a subclass, and its base class unchanged', () => {
    class Named {
      @IsString() name!: string;
    }
    const valid = (value: object) => validateSync(value, { forbidUnknownValues: true }).length === 0;
    expect(valid(Object.assign(new Named(), { name: 'Ada' }))).toBe(true);
    class Tagged extends Named {
      @IsString() tag!: string;
    }
    expect(valid(Object.assign(new Tagged(), { name: 'Ada' }))).toBe(false); // the new rule applies…
    expect(valid(Object.assign(new Tagged(), { name: 7, tag: 'x' }))).toBe(false); // …with the inherited one
    expect(valid(Object.assign(new Tagged(), { name: 'Ada', tag: 'x' }))).toBe(true);
    expect(valid(Object.assign(new Named(), { name: 'Ada' }))).toBe(true);
  });
});
