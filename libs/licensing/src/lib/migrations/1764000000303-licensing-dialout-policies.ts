import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The dial-out policies licensing learns from `dialout-policy.events`, for admission in its own
 * hop: per tenant the Global policy and whether every grant is known (its restatement learned),
 * and each user's own policy.
 */
export class LicensingDialoutPolicies1764000000303 implements MigrationInterface {
  name = 'LicensingDialoutPolicies1764000000303';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE rm_licensing_dialout_tenants (
        tenant_id      text        NOT NULL PRIMARY KEY,
        global_policy  text,
        known          boolean     NOT NULL DEFAULT false,
        learned_at     timestamptz NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE rm_licensing_dialout_users (
        tenant_id    text NOT NULL,
        user_id      text NOT NULL,
        policy_name  text NOT NULL,
        PRIMARY KEY (tenant_id, user_id)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE rm_licensing_dialout_users`);
    await runner.query(`DROP TABLE rm_licensing_dialout_tenants`);
  }
}
