import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CURRENCIES, Currency, OPAQUE_ID } from '@comms-credits/contracts';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
  Validate,
} from 'class-validator';
import { MINOR_UNITS, isCurrency, parseAmount } from '../domain/money';

/** An amount must not have more decimals than its currency (2 for USD, 0 for JPY). */
@ValidatorConstraint({ name: 'fitsCurrency' })
class FitsCurrency implements ValidatorConstraintInterface {
  validate(amount: unknown, args: ValidationArguments): boolean {
    const { currency } = args.object as { currency?: unknown };
    return typeof amount !== 'string' || !isCurrency(currency) || parseAmount(amount, currency) !== undefined;
  }

  defaultMessage(args: ValidationArguments): string {
    const { currency } = args.object as { currency: Currency };
    return `amount has more decimals than ${currency} has (${MINOR_UNITS[currency]})`;
  }
}

/** Money in a request: a decimal string (never a JSON number, which could be a float) and a currency. */
export class MoneyRequest {
  @ApiProperty({ example: '20.00', description: 'decimal string, at most the currency’s decimals' })
  @IsString({ message: 'amount must be a decimal string such as "20.00"' })
  @Matches(/^\d{1,12}(\.\d{1,6})?$/, { message: 'amount must be a non-negative decimal string such as "20.00"' })
  @Validate(FitsCurrency)
  amount!: string;

  @ApiProperty({ enum: CURRENCIES, example: 'USD' })
  @IsIn(CURRENCIES)
  currency!: Currency;
}

export class PaymentMethodRequest {
  @ApiProperty({
    example: 'tok_sandbox_success',
    description: 'the payment provider’s token for the card; never a card number (anything like one is refused)',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  token!: string;
}

export class AutoRechargeRequest {
  @ApiProperty() @IsBoolean() enabled!: boolean;

  @ApiPropertyOptional({ type: MoneyRequest, description: 'recharge when the balance falls below this (required to enable)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => MoneyRequest)
  triggerAmount?: MoneyRequest;

  @ApiPropertyOptional({ type: MoneyRequest, description: 'what each recharge adds (required to enable)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => MoneyRequest)
  rechargeAmount?: MoneyRequest;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 1,
    description: 'at most this many recharges per calendar month (UTC); null for no cap; absent keeps the current cap',
  })
  @IsOptional()
  @IsInt({ message: 'maxRechargesPerMonth must be a whole number of at least 1, or null' })
  @Min(1, { message: 'maxRechargesPerMonth must be a whole number of at least 1, or null' })
  maxRechargesPerMonth?: number | null;
}

export class TransactionsQuery {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 50;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ description: 'only the entries of this call (its holds, charges, releases), newest first' })
  @IsOptional()
  @Matches(OPAQUE_ID, { message: 'callId must be 1-128 characters without spaces' })
  callId?: string;
}

export class MoneyResponse {
  @ApiProperty({ example: '20.00' }) amount!: string;
  @ApiProperty({ enum: CURRENCIES }) currency!: Currency;
}

export class PaymentMethodResponse {
  @ApiProperty({ example: '…cess', description: 'the last characters of the token' }) tokenHint!: string;
}

export class AutoRechargeResponse {
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ type: MoneyResponse, nullable: true }) triggerAmount!: MoneyResponse | null;
  @ApiProperty({ type: MoneyResponse, nullable: true }) rechargeAmount!: MoneyResponse | null;
  @ApiProperty({ type: PaymentMethodResponse, nullable: true }) paymentMethod!: PaymentMethodResponse | null;
  @ApiProperty({ description: 'a recharge is being charged to the payment method' }) pending!: boolean;
  @ApiProperty() consecutiveFailures!: number;
  @ApiProperty({ nullable: true, description: 'no new attempt before this (back-off after a decline)' }) retryAt!: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'at most this many recharges a month (UTC), or null' }) maxRechargesPerMonth!: number | null;
  @ApiProperty({ description: 'successful recharges this month (UTC)' }) rechargesThisMonth!: number;
}

export class WalletResponse {
  @ApiProperty() tenantId!: string;
  @ApiProperty({ enum: CURRENCIES }) currency!: Currency;
  @ApiProperty({ description: 'funded at least once' }) billingSetUp!: boolean;
  @ApiProperty({ type: MoneyResponse }) balance!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, description: 'held for calls in progress' }) held!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, description: 'charges the lots could not cover: paid first by the next funds' }) owed!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, description: 'balance − held − owed (never below zero): what calls may spend' }) available!: MoneyResponse;
  @ApiProperty({ type: AutoRechargeResponse }) autoRecharge!: AutoRechargeResponse;
}

export class FundingResponse {
  @ApiProperty({ format: 'uuid' }) lotId!: string;
  @ApiProperty({ type: MoneyResponse }) amount!: MoneyResponse;
  @ApiProperty({ enum: ['funds', 'auto-recharge'] }) source!: string;
  @ApiProperty() purchasedAt!: string;
  @ApiProperty({ description: '12 months after purchase' }) expiresAt!: string;
  @ApiProperty({ type: MoneyResponse, description: 'the balance right after this funding' }) balanceAfter!: MoneyResponse;
}

export class LotResponse extends FundingResponse {
  @ApiProperty({ type: MoneyResponse }) remaining!: MoneyResponse;
  @ApiProperty({ nullable: true }) expiredAt!: string | null;
}

export class LotDrawResponse {
  @ApiProperty({ format: 'uuid' }) lotId!: string;
  @ApiProperty({ type: MoneyResponse }) amount!: MoneyResponse;
}

export class TransactionResponse {
  @ApiProperty({ format: 'uuid', description: 'the event id' }) id!: string;
  @ApiProperty({ description: 'position in the wallet’s stream' }) sequence!: number;
  @ApiProperty({
    enum: [
      'FundsAdded',
      'LotExpired',
      'CallCharged',
      'HoldPlaced',
      'HoldReleased',
      'AutoRechargeRequested',
      'AutoRechargeSucceeded',
      'AutoRechargeFailed',
      'OverflowUnbilled',
    ],
  })
  type!: string;
  @ApiProperty() occurredAt!: string;
  @ApiProperty({ type: MoneyResponse, description: 'effect on the balance: credits positive, debits negative' }) amount!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, description: 'effect on the held money' }) held!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, nullable: true }) balanceAfter!: MoneyResponse | null;
  @ApiProperty({ nullable: true }) callId!: string | null;
  @ApiProperty({ nullable: true, description: 'the event that caused it (CallEnded, hand-over, overflow)' }) causationEventId!: string | null;
  @ApiProperty({ nullable: true, description: 'the rate applied, with the rate card version' }) rate!: Record<string, unknown> | null;
  @ApiProperty({ type: [LotDrawResponse], description: 'the lots it drew on (or added, or expired)' }) lots!: LotDrawResponse[];
  @ApiProperty({ description: 'the rest of the event: cost, shortfall, billed minutes, recharge id…' }) details!: Record<string, unknown>;
}

export class TransactionPageResponse {
  @ApiProperty({ type: [TransactionResponse] }) items!: TransactionResponse[];
  @ApiProperty({ nullable: true, description: 'cursor of the next (older) page' }) nextCursor!: string | null;
}

export class IncrementResponse {
  @ApiProperty({ example: 60 }) first!: number;
  @ApiProperty({ example: 60 }) next!: number;
}

export class RateResponse {
  @ApiProperty({ example: 'FR' }) country!: string;
  @ApiProperty({ example: '0.0349' }) perMinute!: string;
  @ApiProperty({ example: '0.0125' }) connectionFee!: string;
}

export class RateCardResponse {
  @ApiProperty({ example: '2026-11' }) version!: string;
  @ApiProperty({ enum: CURRENCIES }) currency!: Currency;
  @ApiProperty({ example: '2026-11-01T00:00:00.000Z' }) effectiveFrom!: string;
  @ApiProperty({ type: IncrementResponse }) increment!: IncrementResponse;
  @ApiProperty({ type: [RateResponse], description: 'by destination country' }) dialOut!: RateResponse[];
  @ApiProperty({ type: [RateResponse], description: 'by the toll-free number’s country' }) tollFreeInbound!: RateResponse[];
}
