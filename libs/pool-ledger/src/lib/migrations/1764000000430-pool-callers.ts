import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The users the pool learns from `licensing.events`, for the one-hop admission: per tenant
 * whether every user is known (a restatement of the hand-over edition learned, every page of
 * it), and each user's usage location and licences.
 */
export class PoolCallers1764000000430 implements MigrationInterface {
  name = 'PoolCallers1764000000430';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE rm_pool_caller_tenants (
        tenant_id   text        NOT NULL PRIMARY KEY,
        known       boolean     NOT NULL DEFAULT false,
        edition     integer,
        learned_at  timestamptz NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE rm_pool_callers (
        tenant_id       text   NOT NULL,
        user_id         text   NOT NULL,
        usage_location  text,
        licenses        text[] NOT NULL DEFAULT '{}',
        PRIMARY KEY (tenant_id, user_id)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE rm_pool_callers`);
    await runner.query(`DROP TABLE rm_pool_caller_tenants`);
  }
}
