import { CURRENCIES, Currency, UTC_INSTANT } from '@comms-credits/contracts';
import { isIsoCountry } from '@comms-credits/telephony';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsDefined, IsIn, IsInt, Matches, Max, Min, ValidateBy, ValidateNested } from 'class-validator';

/** A rate card's version: the month it was made for, and a revision if there are several (`2026-11.2`). */
export const RATE_CARD_VERSION = /^\d{4}-\d{2}(\.\d{1,3})?$/;

/** A non-negative decimal string with up to 6 decimals (`"0.0349"`): rates are finer than cents. */
const RATE_AMOUNT = /^\d{1,6}(\.\d{1,6})?$/;

/**
 * A region telephony knows (libphonenumber's list): the ISO 3166-1 alpha-2 codes with a calling
 * code, plus AC, TA and XK, which ISO does not assign but the card must price.
 */
export const IsTelephonyRegion = () =>
  ValidateBy({
    name: 'isTelephonyRegion',
    validator: { validate: isIsoCountry, defaultMessage: () => 'country must be a region with an E.164 calling code (libphonenumber)' },
  });

export class RateEntrySchema {
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an upper-case ISO 3166-1 alpha-2 code' })
  @IsTelephonyRegion()
  country!: string;

  @Matches(RATE_AMOUNT, { message: 'perMinute must be a decimal string such as "0.0349"' })
  perMinute!: string;

  @Matches(RATE_AMOUNT, { message: 'connectionFee must be a decimal string such as "0.0125"' })
  connectionFee!: string;
}

export class IncrementSchema {
  @IsInt() @Min(1) @Max(3600) first!: number;
  @IsInt() @Min(1) @Max(3600) next!: number;
}

/** The shape of a rate card file (`rates/rate-card.<version>.json`), checked at start-up. */
export class RateCardSchema {
  @Matches(RATE_CARD_VERSION, { message: 'version must look like 2026-11 (or 2026-11.2)' })
  version!: string;

  @IsIn(CURRENCIES)
  currency!: Currency;

  @Matches(UTC_INSTANT, { message: 'effectiveFrom must be an ISO-8601 UTC instant' })
  effectiveFrom!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => IncrementSchema)
  increment!: IncrementSchema;

  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => RateEntrySchema)
  dialOut!: RateEntrySchema[];

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => RateEntrySchema)
  tollFreeInbound!: RateEntrySchema[];
}
