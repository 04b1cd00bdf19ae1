import { Anchor, Badge, Group, Table, Text, TextInput } from '@mantine/core';
import { alertsOf, dayOf, formatMoney, formatPercent, nextDay, summaryGroups } from '@comms-credits/ops-console-model';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { tenantPath, useLive } from '../api';
import { Page } from '../components/page';
import { ProblemAlert } from '../components/problem-alert';
import { Pool, TenantEntry, TollFreeNumber, Wallet } from '../types';

/** Operators: every tenant (licensing's `GET /tenants`) with its pool, money, alerts and calls today. */
export function TenantsPage() {
  const tenants = useLive<TenantEntry[]>('licensing', '/tenants');
  const [search, setSearch] = useState('');
  const shown = (tenants.data ?? []).filter((t) => t.tenantId.toLowerCase().includes(search.trim().toLowerCase()));
  return (
    <Page title="Tenants">
      <TextInput placeholder="Search tenants" value={search} onChange={(e) => setSearch(e.currentTarget.value)} data-testid="tenant-search" w={320} />
      <ProblemAlert error={tenants.error} title="Tenants cannot be listed" />
      <Table striped highlightOnHover data-testid="tenants-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>tenant</Table.Th>
            <Table.Th>pool used</Table.Th>
            <Table.Th>balance</Table.Th>
            <Table.Th>owed</Table.Th>
            <Table.Th>alerts</Table.Th>
            <Table.Th>calls today</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {shown.map((t) => (
            <TenantRow key={t.tenantId} tenant={t.tenantId} />
          ))}
        </Table.Tbody>
      </Table>
      {tenants.data && shown.length === 0 ? <Text c="dimmed">{tenants.data.length === 0 ? 'No tenants yet.' : `No tenant matches “${search}”.`}</Text> : null}
    </Page>
  );
}

function TenantRow({ tenant }: { tenant: string }) {
  const pool = useLive<Pool>('pool-ledger', tenantPath(tenant, '/pool'));
  const wallet = useLive<Wallet>('credit-wallet', tenantPath(tenant, '/wallet'));
  const tollFree = useLive<TollFreeNumber[]>('toll-free', tenantPath(tenant, '/toll-free-numbers'));
  const today = dayOf(new Date());
  const summary = useLive<unknown>('reporting', tenantPath(tenant, `/usage/summary?from=${today}T00:00:00.000Z&to=${nextDay(today)}T00:00:00.000Z&groupBy=day`), { retry: false });
  const alerts = alertsOf({ pool: pool.data, wallet: wallet.data, tollFree: tollFree.data });
  const callsToday = summary.data ? summaryGroups(summary.data).reduce((n, g) => n + g.calls, 0) : null;
  return (
    <Table.Tr data-tenant={tenant}>
      <Table.Td>
        <Anchor component={Link} to={tenantPath(tenant)}>
          {tenant}
        </Anchor>
      </Table.Td>
      <Table.Td data-col="pool">{pool.data ? `${formatPercent(pool.data.usedMinutes, pool.data.capacityMinutes)} of ${pool.data.capacityMinutes} min` : pool.error ? 'error' : '…'}</Table.Td>
      <Table.Td data-col="balance">{wallet.data ? formatMoney(wallet.data.balance) : wallet.error ? 'error' : '…'}</Table.Td>
      <Table.Td data-col="owed">{wallet.data ? formatMoney(wallet.data.owed) : '…'}</Table.Td>
      <Table.Td data-col="alerts">
        <Group gap={4}>
          {alerts.length === 0 ? <Text size="sm" c="dimmed">none</Text> : alerts.map((a) => <Badge key={a.code} color={a.level} variant="light" title={a.text}>{a.code}</Badge>)}
        </Group>
      </Table.Td>
      <Table.Td data-col="calls-today" title={summary.error ? summary.error.message : undefined}>
        {callsToday ?? (summary.error ? '—' : '…')}
      </Table.Td>
    </Table.Tr>
  );
}
