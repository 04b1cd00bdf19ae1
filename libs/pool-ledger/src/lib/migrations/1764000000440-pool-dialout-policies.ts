import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The dial-out policies the pool learns from `dialout-policy.events`, for the one-hop admission
 * (the same replica as licensing's, libs/dialout-replica): per tenant the Global policy and
 * whether every grant is known (its restatement learned), and each user's own policy.
 */
export class PoolDialoutPolicies1764000000440 implements MigrationInterface {
  name = 'PoolDialoutPolicies1764000000440';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE rm_pool_dialout_tenants (
        tenant_id      text        NOT NULL PRIMARY KEY,
        global_policy  text,
        known          boolean     NOT NULL DEFAULT false,
        learned_at     timestamptz NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE rm_pool_dialout_users (
        tenant_id    text NOT NULL,
        user_id      text NOT NULL,
        policy_name  text NOT NULL,
        PRIMARY KEY (tenant_id, user_id)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE rm_pool_dialout_users`);
    await runner.query(`DROP TABLE rm_pool_dialout_tenants`);
  }
}
