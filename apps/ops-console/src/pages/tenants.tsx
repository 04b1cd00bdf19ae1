import { Anchor, Badge, Button, Group, Table, Text, TextInput } from '@mantine/core';
import { formatMoney, formatPercent } from '@comms-credits/ops-console-model';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { tenantPath, useLive } from '../api';
import { Page } from '../components/page';
import { ProblemAlert } from '../components/problem-alert';
import { DirectoryPage } from '../types';

const PAGE_SIZE = 50;

/**
 * Operators: every tenant the reporting service has seen on any topic (its operator-only
 * `GET /tenants`), with pool used %, balance, owed, alerts and calls today — one call per page
 * and refresh, searched and paged by the service.
 */
export function TenantsPage() {
  const [search, setSearch] = useState('');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (search.trim()) query.set('search', search.trim());
  if (cursor) query.set('cursor', cursor);
  const directory = useLive<DirectoryPage>('reporting', `/tenants?${query.toString()}`, { placeholderData: (previous) => previous });
  const items = directory.data?.items ?? [];
  return (
    <Page title="Tenants">
      <TextInput
        placeholder="Search tenants"
        value={search}
        onChange={(e) => {
          setSearch(e.currentTarget.value);
          setCursors([null]);
        }}
        data-testid="tenant-search"
        w={320}
      />
      <ProblemAlert error={directory.error} title="Tenants cannot be listed" />
      <Table striped highlightOnHover data-testid="tenants-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>tenant</Table.Th>
            <Table.Th>pool used ({directory.data?.month ?? 'this month'})</Table.Th>
            <Table.Th>balance</Table.Th>
            <Table.Th>owed</Table.Th>
            <Table.Th>alerts</Table.Th>
            <Table.Th>calls today</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((t) => (
            <Table.Tr key={t.tenantId} data-tenant={t.tenantId}>
              <Table.Td>
                <Anchor component={Link} to={tenantPath(t.tenantId)}>
                  {t.tenantId}
                </Anchor>
              </Table.Td>
              <Table.Td data-col="pool">
                {t.pool.capacityMinutes === null ? '—' : `${formatPercent(t.pool.usedMinutes, t.pool.capacityMinutes)} of ${t.pool.capacityMinutes} min`}
              </Table.Td>
              <Table.Td data-col="balance">{t.balance ? formatMoney(t.balance) : '—'}</Table.Td>
              <Table.Td data-col="owed">{t.owed ? formatMoney(t.owed) : '—'}</Table.Td>
              <Table.Td data-col="alerts">
                <Group gap={4}>
                  {t.alerts.length === 0 ? (
                    <Text size="sm" c="dimmed">
                      none
                    </Text>
                  ) : (
                    t.alerts.map((a) => (
                      <Badge key={a.code} color={a.level} variant="light" title={a.text}>
                        {a.code}
                      </Badge>
                    ))
                  )}
                </Group>
              </Table.Td>
              <Table.Td data-col="calls-today">{t.callsToday}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {directory.data && items.length === 0 ? <Text c="dimmed">{search.trim() ? `No tenant matches “${search}”.` : 'No tenants yet.'}</Text> : null}
      <Group gap="xs">
        <Button size="xs" variant="default" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous
        </Button>
        <Button size="xs" variant="default" disabled={!directory.data?.nextCursor} onClick={() => setCursors([...cursors, directory.data?.nextCursor ?? null])}>
          Next
        </Button>
      </Group>
    </Page>
  );
}
