import { randomUUID } from 'node:crypto';
import { Envelope, SchemaRegistry, describeValidationErrors } from '@comms-credits/contracts';
import type { RecordedEvent } from '@comms-credits/event-store';
import { toEnvelope } from '@comms-credits/messaging';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

/**
 * How an event a producer decided and publishes differs from its contract class: its data is
 * wrapped as the outbox relay wraps it (`toEnvelope`) and sent through JSON, then validated as a
 * consumer's schema registry validates it, and must carry no field the class does not declare.
 * Returns the differences, '' when the contract describes the published event exactly.
 */
export function publishedContractMismatch(schema: new () => Envelope, event: { type: string; data: object }): string {
  const recorded: RecordedEvent = {
    eventId: randomUUID(),
    type: event.type,
    version: 1,
    data: event.data as Record<string, unknown>,
    metadata: { correlationId: 'c-123', causationId: randomUUID() },
    streamId: 'test',
    streamType: 'test',
    tenantId: 'contoso',
    streamPosition: 1,
    globalPosition: '1',
    transactionId: '1',
    occurredAt: new Date('2026-11-24T10:00:00.000Z'),
  };
  const onTheWire: unknown = JSON.parse(JSON.stringify(toEnvelope(recorded)));
  const read = new SchemaRegistry().register({ type: event.type, schema, latestVersion: 1 }).validate(onTheWire);
  if (!read.ok) return read.message;
  const undeclared = validateSync(plainToInstance(schema, onTheWire) as object, { whitelist: true, forbidNonWhitelisted: true });
  return describeValidationErrors(undeclared);
}
