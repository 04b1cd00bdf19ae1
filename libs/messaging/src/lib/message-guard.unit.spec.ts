import 'reflect-metadata';
import { SchemaRegistry, telephonySchemas } from '@comms-credits/contracts';
import { randomUUID } from 'node:crypto';
import { hostileCallEnded, hostileCallStarted } from '@comms-credits/testing';
import { DEFAULT_MESSAGE_LIMITS, guardMessage } from './message-guard';

const registry = telephonySchemas();

describe('guardMessage', () => {
  it.each([...hostileCallEnded('contoso'), ...hostileCallStarted('contoso')].map((m) => [m.kind, m] as const))(
    'dead-letters %s with its reason, without throwing',
    (_, message) => {
      const result = guardMessage(message.value, registry);
      expect(result).toMatchObject({ ok: false, reason: message.reason });
      expect((result as { error: string }).error).toEqual(expect.any(String));
    },
  );

  it('accepts a valid event and gives it its class', () => {
    const value = Buffer.from(
      JSON.stringify({
        eventId: randomUUID(),
        type: 'CallEnded',
        version: 1,
        occurredAt: '2026-11-24T10:00:00.000Z',
        tenantId: 'contoso',
        callId: 'c-1',
        durationSeconds: 60,
      }),
    );
    const result = guardMessage(value, registry);
    expect(result).toMatchObject({ ok: true, event: { callId: 'c-1', durationSeconds: 60 } });
  });

  it('bounds depth without recursion: 1,000,000 levels cost nothing', () => {
    const value = Buffer.from(`{"a":${'['.repeat(1_000_000)}`);
    const result = guardMessage(value, registry, { ...DEFAULT_MESSAGE_LIMITS, maxBytes: 2_000_000 });
    expect(result).toMatchObject({ ok: false, reason: 'NESTING_TOO_DEEP' });
  });

  it('does not count brackets and commas inside strings', () => {
    const value = Buffer.from(
      JSON.stringify({
        eventId: randomUUID(),
        type: 'CallEnded',
        version: 1,
        occurredAt: '2026-11-24T10:00:00.000Z',
        tenantId: 'contoso',
        callId: `[{\\"${'[{,'.repeat(40)}`,
        durationSeconds: 60,
      }),
    );
    expect(guardMessage(value, registry)).toMatchObject({ ok: true });
  });

  it('skips a type the consumer does not read on a tolerant topic', () => {
    const tolerant = new SchemaRegistry({ ignoreUnknownTypes: true });
    const value = Buffer.from(JSON.stringify({ eventId: randomUUID(), type: 'SomethingElse', version: 1 }));
    expect(guardMessage(value, tolerant)).toEqual({ ok: false, ignored: true });
  });
});
