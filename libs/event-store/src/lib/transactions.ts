import type { DataSource } from 'typeorm';
import { SqlClient, sqlClientOf } from './sql';

/** Runs work in one database transaction on a TypeORM DataSource. */
export class Transactions {
  constructor(private readonly dataSource: DataSource) {}

  async run<T>(work: (sql: SqlClient) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      const result = await work(sqlClientOf(runner));
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** Outside any transaction: for reads that need no isolation. */
  async query<Row>(sql: string, params?: unknown[]): Promise<Row[]> {
    return (await this.dataSource.query(sql, params)) as Row[];
  }
}
