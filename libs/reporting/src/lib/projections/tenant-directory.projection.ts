import { DataOf, Projection, RecordedEvent, SqlClient, dataOf } from '@comms-credits/event-store';
import { TenantFigure, TenantState, emptyTenantState, foldTenant } from '../domain/tenant-directory';

export type TenantDirectoryEvent = { type: 'TenantFiguresRecorded'; data: { figures: TenantFigure[] } };

/**
 * `rm_tenant_directory`: every tenant the report has seen — on a call (its usage facts) or on a
 * service's topic (`TenantFiguresRecorded`, with the pool, balance, owed, recharge and toll-free
 * figures) — folded with the pure `foldTenant`. Three statements per chunk; rebuilt from the
 * store like every projection.
 */
export const tenantDirectoryProjection: Projection = {
  name: 'tenant-directory',
  handles: ['TenantFiguresRecorded', 'UsageFactRecorded'],
  tables: ['rm_tenant_directory'],
  async apply(sql: SqlClient, events: RecordedEvent[]) {
    const byTenant = new Map<string, { seen: string[]; figures: TenantFigure[] }>();
    for (const event of events) {
      const entry = byTenant.get(event.tenantId) ?? { seen: [], figures: [] };
      entry.seen.push(new Date(event.occurredAt).toISOString());
      if (event.type === 'TenantFiguresRecorded') entry.figures.push(...dataOf<DataOf<TenantDirectoryEvent, 'TenantFiguresRecorded'>>(event).figures);
      byTenant.set(event.tenantId, entry);
    }
    // Chunks of different topics may update a tenant at once: lock its row (made first if new),
    // in tenant order, so each folds onto what the other committed.
    const tenants = [...byTenant.keys()].sort();
    await sql.query(
      `INSERT INTO rm_tenant_directory (tenant_id, state) SELECT t, $2::jsonb FROM unnest($1::text[]) AS t ORDER BY t ON CONFLICT (tenant_id) DO NOTHING`,
      [tenants, JSON.stringify(emptyTenantState())],
    );
    const { rows } = await sql.query<{ tenant_id: string; state: TenantState }>(
      `SELECT tenant_id, state FROM rm_tenant_directory WHERE tenant_id = ANY($1::text[]) ORDER BY tenant_id FOR UPDATE`,
      [tenants],
    );
    const known = new Map(rows.map((r) => [r.tenant_id, r.state]));
    const records = tenants.map((tenantId) => {
      const { seen, figures } = byTenant.get(tenantId)!;
      return { tenant_id: tenantId, state: foldTenant(known.get(tenantId) ?? emptyTenantState(), seen, figures) };
    });
    await sql.query(
      `UPDATE rm_tenant_directory d SET state = r.state FROM jsonb_to_recordset($1::jsonb) AS r(tenant_id text, state jsonb) WHERE d.tenant_id = r.tenant_id`,
      [JSON.stringify(records)],
    );
  },
};
