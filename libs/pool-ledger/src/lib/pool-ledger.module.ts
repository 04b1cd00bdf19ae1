import { Module } from '@nestjs/common';
import { CallLogModule } from '@comms-credits/call-log';
import { PoolFunding } from './application/pool-funding';
import { PoolQueries } from './application/pool.queries';
import { PoolController } from './http/pool.controller';
import { PoolConsumer } from './messaging/pool.consumer';

@Module({
  imports: [CallLogModule],
  controllers: [PoolController, PoolConsumer],
  providers: [PoolFunding, PoolQueries],
})
export class PoolLedgerModule {}
