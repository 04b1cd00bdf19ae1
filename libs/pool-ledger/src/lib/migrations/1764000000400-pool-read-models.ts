import { MigrationInterface, QueryRunner } from 'typeorm';

/** Pool read models: qualifying licences (capacity), usage per month, calls per month. */
export class PoolReadModels1764000000400 implements MigrationInterface {
  name = 'PoolReadModels1764000000400';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE rm_pool_seats (
        tenant_id  text    NOT NULL,
        sku        text    NOT NULL,
        seats      integer NOT NULL,
        PRIMARY KEY (tenant_id, sku)
      )`);
    await runner.query(`
      CREATE TABLE rm_pool_select_users (
        tenant_id  text NOT NULL,
        user_id    text NOT NULL,
        PRIMARY KEY (tenant_id, user_id)
      )`);
    await runner.query(`
      CREATE TABLE rm_pool_months (
        tenant_id     text    NOT NULL,
        month         text    NOT NULL,
        used_minutes  integer NOT NULL DEFAULT 0,
        PRIMARY KEY (tenant_id, month)
      )`);
    await runner.query(`
      CREATE TABLE rm_pool_calls (
        tenant_id            text    NOT NULL,
        call_id              text    NOT NULL,
        month                text,
        organizer            text,
        destination_country  text,
        funding              text,
        max_duration_seconds integer,
        duration_seconds     integer,
        minutes              integer,
        pool_minutes         integer,
        handed_on_minutes    integer,
        PRIMARY KEY (tenant_id, call_id)
      )`);
    await runner.query(`CREATE INDEX rm_pool_calls_month_idx ON rm_pool_calls (tenant_id, month)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE rm_pool_calls, rm_pool_months, rm_pool_select_users, rm_pool_seats`);
  }
}
