import { Badge, Button, Drawer, Group, Paper, Select, Stack, Table, Text, TextInput, Timeline } from '@mantine/core';
import {
  CALL_TYPES,
  FUNDINGS,
  UsageFilters,
  csvFileName,
  dayOf,
  decisionChain,
  formatDuration,
  formatMoney,
  pageOf,
  usageQuery,
} from '@comms-credits/ops-console-model';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, tenantPath, useCall, useLive } from '../api';
import { Page } from '../components/page';
import { ProblemAlert } from '../components/problem-alert';
import { Transaction, TransactionPage, UsageRow } from '../types';

const PAGE_SIZE = 25;

function monthToDate(): UsageFilters {
  const today = dayOf(new Date());
  return { from: `${today.slice(0, 7)}-01`, to: today, callType: '', userId: '', funding: '' };
}

/** The reporting service's usage report: filters, pages, CSV, and each call's detail. */
export function CallsPage({ tenant }: { tenant: string }) {
  const [draft, setDraft] = useState<UsageFilters>(monthToDate);
  const [filters, setFilters] = useState<UsageFilters>(draft);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [selected, setSelected] = useState<UsageRow | null>(null);
  const run = useCall();
  const [download, setDownload] = useState<{ busy: boolean; error: unknown }>({ busy: false, error: null });
  const cursor = cursors.at(-1) ?? null;
  const usage = useLive<unknown>('reporting', tenantPath(tenant, `/usage?${usageQuery(filters, { cursor, limit: PAGE_SIZE })}`), { retry: false });
  const page = pageOf<UsageRow>(usage.data);

  const apply = () => {
    setFilters(draft);
    setCursors([null]);
  };

  const downloadCsv = async () => {
    setDownload({ busy: true, error: null });
    try {
      const response = await run<Response>('reporting', tenantPath(tenant, `/usage?${usageQuery(filters, { format: 'csv' })}`), {
        headers: { accept: 'text/csv' },
        raw: true,
      });
      const blob = await response.blob();
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = csvFileName(tenant, filters);
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
      setDownload({ busy: false, error: null });
    } catch (error) {
      setDownload({ busy: false, error });
    }
  };

  const set = (key: keyof UsageFilters) => (value: string | null) => setDraft((d) => ({ ...d, [key]: value ?? '' }));

  return (
    <Page title={`Calls & usage · ${tenant}`}>
      <Paper withBorder p="md">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            apply();
          }}
        >
          <Group align="flex-end">
            <TextInput type="date" label="From (UTC)" value={draft.from} onChange={(e) => set('from')(e.currentTarget.value)} data-testid="filter-from" />
            <TextInput type="date" label="To (UTC, inclusive)" value={draft.to} onChange={(e) => set('to')(e.currentTarget.value)} data-testid="filter-to" />
            <Select
              label="Call type"
              data={[{ value: '', label: 'all' }, ...CALL_TYPES.map((c) => ({ value: c, label: c }))]}
              value={draft.callType ?? ''}
              onChange={set('callType')}
              data-testid="filter-call-type"
              allowDeselect={false}
              w={140}
            />
            <Select
              label="Funding"
              data={[{ value: '', label: 'all' }, ...FUNDINGS.map((c) => ({ value: c, label: c }))]}
              value={draft.funding ?? ''}
              onChange={set('funding')}
              data-testid="filter-funding"
              allowDeselect={false}
              w={140}
            />
            <TextInput
              label="User"
              placeholder="alice"
              value={draft.userId}
              onChange={(e) => set('userId')(e.currentTarget.value)}
              data-testid="filter-user"
              w={140}
            />
            <Button type="submit" data-testid="filter-apply">
              Apply
            </Button>
            <Button variant="light" onClick={downloadCsv} loading={download.busy} data-testid="csv-download">
              Download CSV
            </Button>
          </Group>
        </form>
        <ProblemAlert error={download.error} title="CSV not downloaded" />
      </Paper>
      <ProblemAlert error={usage.error} title="The usage report cannot be shown" />
      <Group justify="flex-end" gap="xs">
        <Button size="xs" variant="default" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))} data-testid="page-newer">
          Previous
        </Button>
        <Text size="sm" data-testid="page-number">
          page {cursors.length}
        </Text>
        <Button size="xs" variant="default" disabled={!page.nextCursor} onClick={() => setCursors((c) => [...c, page.nextCursor])} data-testid="page-older">
          Next
        </Button>
      </Group>
      <Table striped highlightOnHover data-testid="usage-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>start (UTC)</Table.Th>
            <Table.Th>call</Table.Th>
            <Table.Th>type</Table.Th>
            <Table.Th>user</Table.Th>
            <Table.Th>to</Table.Th>
            <Table.Th>duration</Table.Th>
            <Table.Th>decision</Table.Th>
            <Table.Th>funding</Table.Th>
            <Table.Th ta="right">pool min</Table.Th>
            <Table.Th ta="right">charge</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {page.items.map((row) => (
            <Table.Tr key={row.usageId} onClick={() => setSelected(row)} style={{ cursor: 'pointer' }} data-call={row.callId}>
              <Table.Td>{row.startTime?.replace('T', ' ').slice(0, 19) ?? '—'}</Table.Td>
              <Table.Td>{row.callId}</Table.Td>
              <Table.Td>{row.callType}</Table.Td>
              <Table.Td>{row.userId ?? ''}</Table.Td>
              <Table.Td>
                {row.toNumber} {row.toCountry ? `(${row.toCountry})` : ''}
              </Table.Td>
              <Table.Td>{formatDuration(row.durationSeconds)}</Table.Td>
              <Table.Td>
                {row.decision === 'rejected' ? (
                  <Badge color="red" variant="light">
                    {row.reason}
                  </Badge>
                ) : (
                  (row.decision ?? 'pending')
                )}
              </Table.Td>
              <Table.Td>{row.funding ?? ''}</Table.Td>
              <Table.Td ta="right">{row.poolMinutes ?? ''}</Table.Td>
              <Table.Td ta="right">{row.charge !== null && row.currency ? formatMoney({ amount: row.charge, currency: row.currency }) : ''}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {usage.data && page.items.length === 0 ? (
        <Text c="dimmed" data-testid="usage-empty">
          No calls match these filters.
        </Text>
      ) : null}
      <Drawer opened={selected !== null} onClose={() => setSelected(null)} position="right" size="lg" title={selected ? `Call ${selected.callId}` : ''}>
        {selected ? <CallDetail tenant={tenant} row={selected} /> : null}
      </Drawer>
    </Page>
  );
}

const CHAIN_COLOR = { passed: 'teal', admitted: 'teal', rejected: 'red', 'not-reached': 'gray', pending: 'yellow' } as const;

/**
 * One call: the report row, its decision chain (which stage decided, from the row's decision,
 * reason and funding), and the wallet's charges with their rate and the lots they were paid
 * from (the wallet's `GET …/wallet/transactions?callId=`).
 */
function CallDetail({ tenant, row }: { tenant: string; row: UsageRow }) {
  const run = useCall();
  const chain = decisionChain(row);
  const charges = useQuery<Transaction[], ApiError>({
    queryKey: ['call-charges', tenant, row.callId],
    queryFn: async () => {
      // The wallet's entries of this call only (`?callId=`), however old the call.
      const found: Transaction[] = [];
      let cursor: string | null = null;
      do {
        const page: TransactionPage = await run<TransactionPage>(
          'credit-wallet',
          tenantPath(tenant, `/wallet/transactions?limit=200&callId=${encodeURIComponent(row.callId)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
        );
        found.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return found;
    },
  });
  const money = (amount: string | null) => (amount !== null && row.currency ? formatMoney({ amount, currency: row.currency }) : '—');
  return (
    <Stack data-testid="call-detail">
      <Table>
        <Table.Tbody>
          {(
            [
              ['type', row.callType],
              ['user', row.userId],
              ['from', `${row.fromNumber ?? ''} ${row.fromCountry ? `(${row.fromCountry})` : ''}`],
              ['to', `${row.toNumber ?? ''} ${row.toCountry ? `(${row.toCountry})` : ''}`],
              ['start / end (UTC)', `${row.startTime ?? '—'} / ${row.endTime ?? '—'}`],
              ['duration', formatDuration(row.durationSeconds)],
              ['decision', row.decision === 'rejected' ? `rejected: ${row.reason}` : (row.decision ?? 'pending')],
              ['funding', row.funding],
              ['capability', row.capability],
              ['pool minutes', row.poolMinutes],
              ['charge', money(row.charge)],
              ['connection fee', money(row.connectionFee)],
              ['rate card', row.rateCardVersion],
            ] as const
          ).map(([k, v]) => (
            <Table.Tr key={k}>
              <Table.Td c="dimmed">{k}</Table.Td>
              <Table.Td data-field={k}>{v ?? '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text fw={600}>Decision chain</Text>
      <Timeline bulletSize={18} data-testid="decision-chain">
        {chain.map((step) => (
          <Timeline.Item key={step.stage} title={step.stage} color={CHAIN_COLOR[step.outcome]} data-outcome={step.outcome}>
            <Text size="sm" c="dimmed">
              {step.text}
            </Text>
          </Timeline.Item>
        ))}
      </Timeline>
      <Text fw={600}>Charges, rates and lots</Text>
      <ProblemAlert error={charges.error} />
      {charges.data && charges.data.length === 0 ? (
        <Text size="sm" c="dimmed">
          No wallet entries for this call in the recent ledger.
        </Text>
      ) : null}
      {(charges.data ?? []).map((t) => (
        <Paper key={t.id} withBorder p="xs" data-testid="call-charge">
          <Group justify="space-between">
            <Text size="sm" fw={600}>
              {t.type}
            </Text>
            <Text size="sm">{formatMoney(t.amount, { signed: true })}</Text>
          </Group>
          {t.rate ? (
            <Text size="xs" c="dimmed">
              rate {String(t.rate['country'] ?? '')}{' '}
              {formatMoney({ amount: String(t.rate['perMinute']), currency: String(t.rate['currency'] ?? row.currency ?? 'USD') })}/min +{' '}
              {formatMoney({ amount: String(t.rate['connectionFee'] ?? '0'), currency: String(t.rate['currency'] ?? row.currency ?? 'USD') })} fee · card{' '}
              {String(t.rate['rateCardVersion'] ?? '')}
              {t.details['billedMinutes'] ? ` · ${String(t.details['billedMinutes'])} min billed` : ''}
            </Text>
          ) : null}
          {t.lots.map((l) => (
            <Text key={l.lotId} size="xs">
              lot {l.lotId.slice(0, 8)}…: {formatMoney(l.amount)}
            </Text>
          ))}
        </Paper>
      ))}
    </Stack>
  );
}
