import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `rm_dialout_awaiting_calls`: the calls waiting for their user's usage location (issue 11), with
 * their deadline. The sweep reads it to reject the calls past their deadline, and ops read it.
 * Rebuilt from the call streams like every read model.
 */
export class DialoutAwaitingCalls1764000000201 implements MigrationInterface {
  name = 'DialoutAwaitingCalls1764000000201';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE rm_dialout_awaiting_calls (
        tenant_id    text         NOT NULL,
        call_id      text         NOT NULL,
        user_id      text         NOT NULL,
        call_type    text         NOT NULL,
        to_number    text         NOT NULL,
        control      text         NOT NULL CHECK (control IN ('CPC', 'PSTN')),
        policy_name  text         NOT NULL,
        since        timestamptz  NOT NULL,
        deadline     timestamptz  NOT NULL,
        PRIMARY KEY (tenant_id, call_id)
      )`);
    await runner.query(`CREATE INDEX rm_dialout_awaiting_calls_deadline ON rm_dialout_awaiting_calls (deadline)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE rm_dialout_awaiting_calls`);
  }
}
