import { ServiceConfig } from '@comms-credits/platform';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { PoolGrantPolicy } from './domain/pool-call.decider';

/** The pool's settings (on top of every service's); docs/architecture.md says why each exists. */
export class PoolLedgerConfig extends ServiceConfig {
  /**
   * The most minutes one call is granted, and so what the pool reserves for a call that may run
   * that long. Keep it equal to the wallet's `WALLET_MAX_HOLD_MINUTES`: one call, one cap.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1440)
  POOL_MAX_GRANT_MINUTES = 120;

  /** A reservation whose call's end has not come this long after its grant ran out is released. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_080)
  POOL_SETTLEMENT_GRACE_MINUTES = 15;

  /** How often overdue reservations are looked for. */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(600_000)
  POOL_SWEEP_MS = 5_000;
}

export function poolGrantPolicyOf(config: PoolLedgerConfig): PoolGrantPolicy {
  return { maxGrantMinutes: config.POOL_MAX_GRANT_MINUTES, graceMinutes: config.POOL_SETTLEMENT_GRACE_MINUTES };
}
