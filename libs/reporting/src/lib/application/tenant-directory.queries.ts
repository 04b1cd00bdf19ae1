import { Injectable } from '@nestjs/common';
import { Transactions } from '@comms-credits/event-store';
import { ProblemException } from '@comms-credits/platform';
import { TenantEntry, TenantState, tenantEntryOf } from '../domain/tenant-directory';

export interface TenantDirectoryPage {
  items: TenantEntry[];
  nextCursor: string | null;
  /** The current UTC month and day the figures are of. */
  month: string;
  day: string;
}

/** The operators' tenant directory: one page of `rm_tenant_directory` by tenant id, with each tenant's calls today from `rm_usage`. */
@Injectable()
export class TenantDirectoryQueries {
  constructor(private readonly transactions: Transactions) {}

  async page(query: { search?: string; limit: number; cursor?: string }, now = new Date()): Promise<TenantDirectoryPage> {
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
    const day = now.toISOString().slice(0, 10);
    const month = day.slice(0, 7);
    const pattern = query.search ? `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    return this.transactions.run(async (sql) => {
      const { rows } = await sql.query<{ tenant_id: string; state: TenantState }>(
        `SELECT tenant_id, state FROM rm_tenant_directory
          WHERE ($1::text IS NULL OR tenant_id > $1) AND ($2::text IS NULL OR tenant_id ILIKE $2)
          ORDER BY tenant_id LIMIT $3`,
        [after, pattern, query.limit + 1],
      );
      const page = rows.slice(0, query.limit);
      const start = new Date(`${day}T00:00:00.000Z`);
      const { rows: counts } = await sql.query<{ tenant_id: string; calls: string }>(
        `SELECT tenant_id, count(*) AS calls FROM rm_usage
          WHERE tenant_id = ANY($1::text[]) AND start_time >= $2 AND start_time < $3 GROUP BY tenant_id`,
        [page.map((r) => r.tenant_id), start, new Date(start.getTime() + 86_400_000)],
      );
      const calls = new Map(counts.map((c) => [c.tenant_id, Number(c.calls)]));
      return {
        items: page.map((r) => tenantEntryOf(r.tenant_id, r.state, month, calls.get(r.tenant_id) ?? 0)),
        nextCursor: rows.length > query.limit ? Buffer.from(page.at(-1)!.tenant_id).toString('base64url') : null,
        month,
        day,
      };
    });
  }
}

function decodeCursor(cursor: string): string {
  const tenant = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(tenant)) {
    throw new ProblemException(400, 'REPORTING.INVALID_CURSOR', 'The cursor is not valid', 'cursor must be the nextCursor of a previous page');
  }
  return tenant;
}
