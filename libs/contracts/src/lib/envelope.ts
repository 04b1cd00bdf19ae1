import { IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength, Min } from 'class-validator';
import { TENANT_ID, UTC_INSTANT } from './patterns';

/**
 * The envelope every event carries (design.md). `eventId` is the idempotency key: a repeat of
 * an event id is ignored by every consumer. `type` is a stable alias written in the contract,
 * never a class name; `version` is the schema version of that type.
 */
export abstract class EventEnvelope {
  @IsUUID()
  eventId!: string;

  @IsString()
  @IsNotEmpty()
  type!: string;

  @IsInt()
  @Min(1)
  version!: number;

  @Matches(UTC_INSTANT, { message: 'occurredAt must be an ISO-8601 UTC instant ending in Z' })
  occurredAt!: string;

  @Matches(TENANT_ID, { message: 'tenantId must be 1-128 URL-safe characters' })
  tenantId!: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  correlationId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  causationId?: string;
}

/** The plain shape of an envelope, for code that builds events. */
export interface Envelope {
  eventId: string;
  type: string;
  version: number;
  occurredAt: string;
  tenantId: string;
  correlationId?: string;
  causationId?: string;
}
