import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { E164, OPAQUE_ID, TENANT_ID } from '@comms-credits/contracts';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { ASSIGNMENT_TARGETS, AssignmentTarget } from '../domain/toll-free-account.decider';
import { QUOTA_SKUS } from '../domain/quota';
import { TOLL_FREE_COUNTRIES } from '../inventory/sample-inventory';

export class TenantParams {
  @Matches(TENANT_ID, { message: 'tenantId must be 1-128 URL-safe characters' })
  tenantId!: string;
}

/** Express has already decoded `%2B18005550100` to `+18005550100`. */
export class NumberParams extends TenantParams {
  @ApiProperty({ example: '%2B18005550100', description: 'E.164, its + URL-encoded as %2B' })
  @Matches(E164, { message: 'number must be an E.164 number, its + URL-encoded as %2B (e.g. %2B18005550100)' })
  number!: string;
}

export class AcquireNumberRequest {
  @ApiProperty({ enum: TOLL_FREE_COUNTRIES, example: 'US', description: 'ISO 3166-1 alpha-2 country of the number' })
  @IsIn(TOLL_FREE_COUNTRIES, { message: `country must be one of the countries with toll-free numbers: ${TOLL_FREE_COUNTRIES.join(', ')}` })
  country!: string;
}

export class AssignNumberRequest {
  @ApiProperty({ enum: ASSIGNMENT_TARGETS, example: 'call_queue' })
  @IsIn(ASSIGNMENT_TARGETS, { message: `target must be one of ${ASSIGNMENT_TARGETS.join(', ')}` })
  target!: AssignmentTarget;

  @ApiProperty({ example: 'support-queue', description: 'the conference bridge, call queue or auto attendant (1-128 characters without spaces)' })
  @Matches(OPAQUE_ID, { message: 'targetId must be 1-128 characters without spaces' })
  targetId!: string;
}

export class MonthQuery {
  @ApiPropertyOptional({ example: '2026-11', description: 'calendar month in UTC the minutes are counted for (default: the current one)' })
  @IsOptional()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must be YYYY-MM' })
  month?: string;
}

export class AssignmentResponse {
  @ApiProperty({ enum: ASSIGNMENT_TARGETS }) target!: AssignmentTarget;
  @ApiProperty() targetId!: string;
}

export class TollFreeNumberResponse {
  @ApiProperty({ example: '+18005550100' }) number!: string;
  @ApiProperty({ example: 'US' }) country!: string;
  @ApiProperty({ enum: ['active', 'suspended'], description: 'suspended while the wallet cannot pay' }) status!: 'active' | 'suspended';
  @ApiProperty({ type: AssignmentResponse, nullable: true }) assignment!: AssignmentResponse | null;
  @ApiProperty() acquiredAt!: string;
  @ApiProperty({ example: '2026-11' }) month!: string;
  @ApiProperty({ description: 'whole minutes (each ended routed call rounded up) of calls that started in month' }) minutes!: number;
}

export class QuotaResponse {
  @ApiProperty({
    example: { OFFICE_365_E5: 20, PHONE_SYSTEM: 6 },
    description: `purchased seats of the SKUs that count: ${QUOTA_SKUS.join(', ')}`,
  })
  seats!: Record<string, number>;
  @ApiProperty({ description: 'Phone System + Audio Conferencing licences counted (E5 once)' }) licences!: number;
  @ApiProperty({ description: 'numbers the licences allow (domain.md table)' }) quota!: number;
  @ApiProperty() numbersHeld!: number;
  @ApiProperty() numbersAvailable!: number;
  @ApiProperty({ description: 'the wallet has been funded at least once' }) billingSetUp!: boolean;
  @ApiProperty({ description: 'the wallet balance is above zero (needed to acquire)' }) balancePositive!: boolean;
  @ApiProperty({ description: "the tenant's numbers are suspended until the wallet is funded" }) suspended!: boolean;
}
