import { Module } from '@nestjs/common';
import { CallLogModule } from '@comms-credits/call-log';
import { DialoutPolicyReplica } from '@comms-credits/dialout-replica';
import { SERVICE_CONFIG } from '@comms-credits/platform';
import { CallerReplica } from './application/caller-replica';
import { OneHopAdmission } from './application/one-hop-admission';
import { POOL_GRANT_POLICY, PoolFunding } from './application/pool-funding';
import { PoolQueries } from './application/pool.queries';
import { ReservationSweeper } from './application/reservation-sweeper';
import { LearnedCallersController, PoolController } from './http/pool.controller';
import { PoolConsumer } from './messaging/pool.consumer';
import { poolGrantPolicyOf } from './pool-ledger.config';

@Module({
  imports: [CallLogModule],
  controllers: [PoolController, LearnedCallersController, PoolConsumer],
  providers: [
    { provide: POOL_GRANT_POLICY, inject: [SERVICE_CONFIG], useFactory: poolGrantPolicyOf },
    PoolFunding,
    PoolQueries,
    ReservationSweeper,
    CallerReplica,
    DialoutPolicyReplica,
    OneHopAdmission,
  ],
})
export class PoolLedgerModule {}
