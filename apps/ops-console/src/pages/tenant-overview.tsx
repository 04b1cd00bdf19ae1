import { Grid, Group, Paper, Stack, Text } from '@mantine/core';
import {
  LedgerRow,
  alertsOf,
  balanceSeries,
  formatMoney,
  monthOf,
  monthStart,
  nextDay,
  poolMinutesPerDay,
  since,
  summaryGroups,
} from '@comms-credits/ops-console-model';
import { useMemo } from 'react';
import { tenantPath, useLive } from '../api';
import { AlertsList } from '../components/alerts-list';
import { BalanceChart, PoolPerDayChart } from '../components/charts';
import { Page } from '../components/page';
import { PoolGauge } from '../components/pool-gauge';
import { ProblemAlert } from '../components/problem-alert';
import { Pool, TollFreeNumber, TransactionPage, Wallet } from '../types';

export function TenantOverviewPage({ tenant }: { tenant: string }) {
  const month = monthOf(new Date());
  const pool = useLive<Pool>('pool-ledger', tenantPath(tenant, `/pool?month=${month}`));
  const wallet = useLive<Wallet>('credit-wallet', tenantPath(tenant, '/wallet'));
  const ledger = useLive<TransactionPage>('credit-wallet', tenantPath(tenant, '/wallet/transactions?limit=200'));
  const tollFree = useLive<TollFreeNumber[]>('toll-free', tenantPath(tenant, '/toll-free-numbers'));
  const lastDay = `${month}-${String(poolMinutesPerDay(month, []).length).padStart(2, '0')}`;
  const summary = useLive<unknown>(
    'reporting',
    tenantPath(tenant, `/usage/summary?from=${monthStart(month)}&to=${nextDay(lastDay)}T00:00:00.000Z&groupBy=day`),
    { retry: false },
  );

  const perDay = useMemo(
    () => poolMinutesPerDay(month, summary.data ? summaryGroups(summary.data).map((g) => ({ date: g.key, poolMinutes: g.poolMinutes })) : []),
    [month, summary.data],
  );
  const balance = useMemo(() => balanceSeries(since((ledger.data?.items ?? []) as LedgerRow[], monthStart(month))), [ledger.data, month]);
  const alerts = alertsOf({ pool: pool.data, wallet: wallet.data, tollFree: tollFree.data });

  return (
    <Page title={`Tenant ${tenant}`}>
      <ProblemAlert error={pool.error ?? wallet.error} />
      <Grid>
        <Grid.Col span={{ base: 12, md: 8 }}>{pool.data ? <PoolGauge pool={pool.data} /> : null}</Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          {wallet.data ? (
            <Paper withBorder p="md" data-testid="wallet-summary">
              <Text fw={600}>Wallet</Text>
              <Stack gap={4} mt="sm">
                <Line label="balance" value={formatMoney(wallet.data.balance)} testId="wallet-balance" />
                <Line label="held for calls" value={formatMoney(wallet.data.held)} testId="wallet-held" />
                <Line label="owed" value={formatMoney(wallet.data.owed)} testId="wallet-owed" />
                <Line label="available" value={formatMoney(wallet.data.available)} testId="wallet-available" />
                <Line
                  label="auto-recharge"
                  value={
                    wallet.data.autoRecharge.enabled
                      ? `${formatMoney(wallet.data.autoRecharge.rechargeAmount)} below ${formatMoney(wallet.data.autoRecharge.triggerAmount)}`
                      : 'off'
                  }
                  testId="wallet-auto-recharge"
                />
              </Stack>
            </Paper>
          ) : null}
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <PoolPerDayChart points={perDay} note={summary.error ? `The reporting service did not answer (${summary.error.message}); days show 0.` : undefined} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <BalanceChart points={balance} />
        </Grid.Col>
        <Grid.Col span={12}>
          <Paper withBorder p="md">
            <Text fw={600} mb="xs">
              Alerts
            </Text>
            <AlertsList alerts={alerts} />
          </Paper>
        </Grid.Col>
      </Grid>
    </Page>
  );
}

function Line({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Group justify="space-between">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fw={600} data-testid={testId}>
        {value}
      </Text>
    </Group>
  );
}
