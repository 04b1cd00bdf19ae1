import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CURRENCIES, Currency, UTC_INSTANT } from '@comms-credits/contracts';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsDefined, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, ValidateBy, ValidateNested } from 'class-validator';
import { RATE_CARD_VERSION } from '../rates/rate-card.schema';

/** An instant with its offset (`Z` or `+01:00`): a date alone, or a local time, is not one. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const IsInstant = () =>
  ValidateBy({
    name: 'isInstant',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value)),
      defaultMessage: () => 'at must be an ISO-8601 instant with its offset, such as 2026-12-01T00:00:00Z',
    },
  });

export class RatesQuery {
  @ApiPropertyOptional({ example: '2026-12-01T00:00:00Z', description: 'the card in force at this instant (default: now)' })
  @IsOptional()
  @IsInstant()
  at?: string;
}

/**
 * One country's rate in a published card. The amounts must be strings (a JSON number may be a
 * float: 400); whether a string is a valid amount is the publication's rule (422, every problem named).
 */
export class RateRequest {
  @ApiProperty({ example: 'FR' })
  @IsString()
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an upper-case ISO 3166-1 alpha-2 code' })
  country!: string;

  @ApiProperty({ example: '0.0349', description: 'decimal string, at most 6 decimals' })
  @IsString({ message: 'perMinute must be a decimal string such as "0.0349", never a JSON number' })
  perMinute!: string;

  @ApiProperty({ example: '0.0125', description: 'decimal string, at most 6 decimals' })
  @IsString({ message: 'connectionFee must be a decimal string such as "0.0125", never a JSON number' })
  connectionFee!: string;
}

export class IncrementRequest {
  @ApiProperty({ example: 60 }) @IsInt() @Min(1) @Max(3600) first!: number;
  @ApiProperty({ example: 60 }) @IsInt() @Min(1) @Max(3600) next!: number;
}

/** `PUT /rates/{version}`: the card as `GET /rates` returns it. */
export class RateCardRequest {
  @ApiProperty({ example: '2027-01', description: 'the same as in the path' })
  @Matches(RATE_CARD_VERSION, { message: 'version must look like 2027-01 (or 2027-01.2)' })
  version!: string;

  @ApiProperty({ enum: CURRENCIES, description: 'the wallets’ currency (that of the versions before)' })
  @IsIn(CURRENCIES)
  currency!: Currency;

  @ApiProperty({ example: '2027-01-01T00:00:00.000Z', description: 'in the future: calls that start from then are priced by this card' })
  @Matches(UTC_INSTANT, { message: 'effectiveFrom must be an ISO-8601 UTC instant ending in Z' })
  effectiveFrom!: string;

  @ApiProperty({ type: IncrementRequest })
  @IsDefined()
  @ValidateNested()
  @Type(() => IncrementRequest)
  increment!: IncrementRequest;

  @ApiProperty({ type: [RateRequest], description: 'a rate for every region libphonenumber knows' })
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => RateRequest)
  dialOut!: RateRequest[];

  @ApiProperty({ type: [RateRequest], description: 'a rate for every country whose toll-free numbers are stocked' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => RateRequest)
  tollFreeInbound!: RateRequest[];
}

export class RateCardVersionResponse {
  @ApiProperty({ example: '2026-11' }) version!: string;
  @ApiProperty({ example: '2026-11-01T00:00:00.000Z' }) effectiveFrom!: string;
  @ApiProperty({ example: '2026-12-01T09:30:00.000Z' }) publishedAt!: string;
  @ApiProperty({ example: 'operator', description: 'who published it (the service itself for the card it ships with)' }) publishedBy!: string;
}
