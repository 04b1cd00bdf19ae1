import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The month decider's state beside its stream (`pool:<tenant>:<month>`), written by an inline
 * projection in the append's transaction: admission and settlement lock and read one small row
 * instead of folding a stream that grows with every call of the month. Months recorded before
 * this table are folded from their stream the first time they are touched.
 */
export class PoolMonthSnapshots1764000000420 implements MigrationInterface {
  name = 'PoolMonthSnapshots1764000000420';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE pool_month_snapshots (
        stream_id  text    PRIMARY KEY,
        tenant_id  text    NOT NULL,
        version    bigint  NOT NULL,
        state      jsonb   NOT NULL
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE pool_month_snapshots`);
  }
}
