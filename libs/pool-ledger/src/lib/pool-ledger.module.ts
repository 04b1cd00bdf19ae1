import { Module } from '@nestjs/common';
import { CallLogModule } from '@comms-credits/call-log';
import { SERVICE_CONFIG } from '@comms-credits/platform';
import { POOL_GRANT_POLICY, PoolFunding } from './application/pool-funding';
import { PoolQueries } from './application/pool.queries';
import { ReservationSweeper } from './application/reservation-sweeper';
import { PoolController } from './http/pool.controller';
import { PoolConsumer } from './messaging/pool.consumer';
import { poolGrantPolicyOf } from './pool-ledger.config';

@Module({
  imports: [CallLogModule],
  controllers: [PoolController, PoolConsumer],
  providers: [{ provide: POOL_GRANT_POLICY, inject: [SERVICE_CONFIG], useFactory: poolGrantPolicyOf }, PoolFunding, PoolQueries, ReservationSweeper],
})
export class PoolLedgerModule {}
