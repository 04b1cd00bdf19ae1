import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read models of the dial-out policy service, all rebuilt from the event store:
 * - `rm_dialout_tenant_policy`: a tenant's granted Global policy (no row: the default applies);
 * - `rm_dialout_user`: a user's own policy and usage location (the effective policy is
 *   computed from this row and the tenant's at query time, so a Global grant touches one row);
 * - `rm_dialout_policy_calls`: stage 1's decisions counted per policy and control.
 */
export class DialoutPolicy1764000000200 implements MigrationInterface {
  name = 'DialoutPolicy1764000000200';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE rm_dialout_tenant_policy (
        tenant_id      text    PRIMARY KEY,
        policy_name    text    NOT NULL,
        last_position  bigint  NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE rm_dialout_user (
        tenant_id       text    NOT NULL,
        user_id         text    NOT NULL,
        policy_name     text,
        usage_location  text,
        last_position   bigint  NOT NULL,
        PRIMARY KEY (tenant_id, user_id)
      )`);
    await runner.query(`
      CREATE TABLE rm_dialout_policy_calls (
        tenant_id       text    NOT NULL,
        policy_name     text    NOT NULL,
        control         text    NOT NULL CHECK (control IN ('CPC', 'PSTN')),
        cleared         bigint  NOT NULL,
        blocked         bigint  NOT NULL,
        invalid_number  bigint  NOT NULL,
        unknown_user    bigint  NOT NULL,
        last_position   bigint  NOT NULL,
        PRIMARY KEY (tenant_id, policy_name, control)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE rm_dialout_policy_calls, rm_dialout_user, rm_dialout_tenant_policy`);
  }
}
