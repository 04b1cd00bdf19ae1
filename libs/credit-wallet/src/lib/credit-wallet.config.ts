import { ServiceConfig } from '@comms-credits/platform';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Max, Min } from 'class-validator';
import { WalletPolicy } from './domain/wallet.decider';

/** The wallet's settings (on top of every service's); docs/credit-wallet.md says what each does. */
export class CreditWalletConfig extends ServiceConfig {
  /** A rate card file to use instead of the bundled one (checked at start-up like it). */
  @IsOptional()
  @IsString()
  WALLET_RATE_CARD?: string;

  /**
   * How long a cached rate book may price calls before it is read again. Also the least notice a
   * published version must give (effectiveFrom later than now + this), so every instance has
   * reloaded its book before the version takes effect.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  WALLET_RATES_REFRESH_MS = 30_000;

  /** Hold cap: the most minutes one call is granted (and held for). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1440)
  WALLET_MAX_HOLD_MINUTES = 120;

  /** A hold whose CallEnded has not come by grant + this many minutes is released, the call marked missing its settlement. */
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1440)
  WALLET_SETTLEMENT_GRACE_MINUTES = 15;

  /** The payment gateway adapter. Only the sandbox ships; a provider's adapter adds its name here. */
  @IsIn(['sandbox'])
  WALLET_PAYMENT_GATEWAY = 'sandbox' as const;

  /** How long the sandbox's `tok_sandbox_fail_delayed` takes to fail. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60_000)
  WALLET_SANDBOX_DELAY_MS = 2_000;

  /** Back-off after the first declined recharge, doubled after each further one… */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  WALLET_RECHARGE_BACKOFF_BASE_MS = 60_000;

  /** …up to this. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  WALLET_RECHARGE_BACKOFF_MAX_MS = 3_600_000;

  /** `AutoRechargeAlert` after this many declines in a row. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  WALLET_RECHARGE_ALERT_AFTER = 3;

  /** How often the recharge worker looks for pending recharges, due back-offs and due lot expiries. */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(600_000)
  WALLET_WORKER_POLL_MS = 1_000;
}

export function walletPolicyOf(config: CreditWalletConfig): WalletPolicy {
  return {
    maxHoldMinutes: config.WALLET_MAX_HOLD_MINUTES,
    settlementGraceMinutes: config.WALLET_SETTLEMENT_GRACE_MINUTES,
    recharge: {
      backoffBaseMs: config.WALLET_RECHARGE_BACKOFF_BASE_MS,
      backoffMaxMs: config.WALLET_RECHARGE_BACKOFF_MAX_MS,
      alertAfter: config.WALLET_RECHARGE_ALERT_AFTER,
    },
  };
}
