import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A number's minutes count only the calls the wallet charged (issue 15): the charged duration of
 * each routed call, from the wallet's `CallCharged` (recorded as `TollFreeCallCharged`). Calls
 * routed before this have none until their charge is recorded.
 */
export class TollFreeChargedMinutes1764000000602 implements MigrationInterface {
  name = 'TollFreeChargedMinutes1764000000602';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE rm_toll_free_calls ADD COLUMN charged_seconds integer`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE rm_toll_free_calls DROP COLUMN charged_seconds`);
  }
}
