import { Badge, Button, Grid, Group, NumberInput, Paper, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { canEdit, formatMoney } from '@comms-credits/ops-console-model';
import { useEffect, useState } from 'react';
import { idempotencyKey, tenantPath, useChange, useLive } from '../api';
import { Page } from '../components/page';
import { ProblemAlert } from '../components/problem-alert';
import { useSignedIn } from '../session';
import { TransactionPage, Wallet } from '../types';

export function WalletPage({ tenant }: { tenant: string }) {
  const session = useSignedIn();
  const editable = canEdit(session, tenant);
  const wallet = useLive<Wallet>('credit-wallet', tenantPath(tenant, '/wallet'));
  return (
    <Page title={`Wallet · ${tenant}`}>
      <ProblemAlert error={wallet.error} />
      {wallet.data ? (
        <Grid>
          <Grid.Col span={{ base: 12, md: 4 }}>
            <Paper withBorder p="md">
              <Text fw={600}>Funds</Text>
              <Table mt="xs">
                <Table.Tbody>
                  <Row label="balance" value={formatMoney(wallet.data.balance)} testId="wallet-balance" />
                  <Row label="held" value={formatMoney(wallet.data.held)} testId="wallet-held" />
                  <Row label="owed" value={formatMoney(wallet.data.owed)} testId="wallet-owed" />
                  <Row label="available" value={formatMoney(wallet.data.available)} testId="wallet-available" />
                  <Row label="billing set up" value={wallet.data.billingSetUp ? 'yes' : 'no'} testId="wallet-billing" />
                  <Row
                    label="payment method"
                    value={wallet.data.autoRecharge.paymentMethod ? `token ${wallet.data.autoRecharge.paymentMethod.tokenHint}` : 'none'}
                    testId="wallet-payment-hint"
                  />
                </Table.Tbody>
              </Table>
              {editable ? <AddFunds tenant={tenant} currency={wallet.data.currency} /> : null}
            </Paper>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 8 }}>
            <AutoRecharge tenant={tenant} wallet={wallet.data} editable={editable} />
          </Grid.Col>
          <Grid.Col span={12}>
            <Transactions tenant={tenant} />
          </Grid.Col>
        </Grid>
      ) : null}
    </Page>
  );
}

function Row({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Table.Tr>
      <Table.Td c="dimmed">{label}</Table.Td>
      <Table.Td fw={600} data-testid={testId}>
        {value}
      </Table.Td>
    </Table.Tr>
  );
}

function AddFunds({ tenant, currency }: { tenant: string; currency: string }) {
  const [amount, setAmount] = useState('');
  const [key, setKey] = useState(idempotencyKey);
  const add = useChange<string>(
    'credit-wallet',
    (value) => ({ path: tenantPath(tenant, '/wallet/funds'), method: 'POST', body: { amount: value, currency }, headers: { 'idempotency-key': key } }),
    ['toll-free'],
  );
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate(amount.trim(), { onSuccess: () => (setAmount(''), setKey(idempotencyKey())) });
      }}
    >
      <Stack gap="xs" mt="md">
        <Group align="flex-end">
          <TextInput
            label={`Add funds (${currency})`}
            placeholder="25.00"
            value={amount}
            onChange={(e) => setAmount(e.currentTarget.value)}
            data-testid="funds-amount"
          />
          <Button type="submit" loading={add.isPending} disabled={!amount.trim()} data-testid="funds-add">
            Add
          </Button>
        </Group>
        <ProblemAlert error={add.error} title="Funds not added" />
      </Stack>
    </form>
  );
}

function AutoRecharge({ tenant, wallet, editable }: { tenant: string; wallet: Wallet; editable: boolean }) {
  const ar = wallet.autoRecharge;
  const [enabled, setEnabled] = useState(ar.enabled);
  const [trigger, setTrigger] = useState(ar.triggerAmount?.amount ?? '');
  const [recharge, setRecharge] = useState(ar.rechargeAmount?.amount ?? '');
  const [cap, setCap] = useState<string | number>(ar.maxRechargesPerMonth ?? '');
  const [token, setToken] = useState('');
  const [dirty, setDirty] = useState(false);
  // Live values flow in until the admin starts editing.
  useEffect(() => {
    if (dirty) return;
    setEnabled(ar.enabled);
    setTrigger(ar.triggerAmount?.amount ?? '');
    setRecharge(ar.rechargeAmount?.amount ?? '');
    setCap(ar.maxRechargesPerMonth ?? '');
  }, [ar.enabled, ar.triggerAmount?.amount, ar.rechargeAmount?.amount, ar.maxRechargesPerMonth, dirty]);

  const save = useChange<void>('credit-wallet', () => ({
    path: tenantPath(tenant, '/wallet/auto-recharge'),
    method: 'PUT',
    body: {
      enabled,
      ...(trigger.trim() ? { triggerAmount: { amount: trigger.trim(), currency: wallet.currency } } : {}),
      ...(recharge.trim() ? { rechargeAmount: { amount: recharge.trim(), currency: wallet.currency } } : {}),
      maxRechargesPerMonth: cap === '' ? null : Number(cap),
    },
  }));
  const setMethod = useChange<void>('credit-wallet', () => ({
    path: tenantPath(tenant, '/wallet/payment-method'),
    method: 'PUT',
    body: { token: token.trim() },
  }));
  const edit =
    <T,>(set: (v: T) => void) =>
    (v: T) => (setDirty(true), set(v));

  return (
    <Paper withBorder p="md" data-testid="auto-recharge">
      <Group justify="space-between">
        <Text fw={600}>Auto-recharge</Text>
        <Group gap="xs">
          {ar.pending ? <Badge color="yellow">recharge pending</Badge> : null}
          <Badge variant="light">{ar.rechargesThisMonth ?? 0} this month</Badge>
          {ar.consecutiveFailures > 0 ? <Badge color="red">{ar.consecutiveFailures} failed in a row</Badge> : null}
        </Group>
      </Group>
      {editable ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate(undefined, { onSuccess: () => setDirty(false) });
          }}
        >
          <Stack gap="xs" mt="sm">
            <Switch label="Recharge automatically" checked={enabled} onChange={(e) => edit(setEnabled)(e.currentTarget.checked)} data-testid="ar-enabled" />
            <Group grow>
              <TextInput
                label={`When the available balance falls below (${wallet.currency})`}
                value={trigger}
                onChange={(e) => edit(setTrigger)(e.currentTarget.value)}
                data-testid="ar-trigger"
              />
              <TextInput
                label={`Add (${wallet.currency})`}
                value={recharge}
                onChange={(e) => edit(setRecharge)(e.currentTarget.value)}
                data-testid="ar-amount"
              />
              <NumberInput label="At most per month (empty: no cap)" min={1} allowDecimal={false} value={cap} onChange={edit(setCap)} data-testid="ar-cap" />
            </Group>
            <Group>
              <Button type="submit" loading={save.isPending} data-testid="ar-save">
                Save auto-recharge
              </Button>
              {dirty ? (
                <Button variant="subtle" onClick={() => setDirty(false)}>
                  Discard changes
                </Button>
              ) : null}
              {save.isSuccess && !dirty ? (
                <Text size="sm" c="teal" data-testid="ar-saved">
                  Saved.
                </Text>
              ) : null}
            </Group>
            <ProblemAlert error={save.error} title="Auto-recharge not changed" />
          </Stack>
        </form>
      ) : (
        <Table mt="xs" data-testid="ar-readonly">
          <Table.Tbody>
            <Row label="enabled" value={ar.enabled ? 'yes' : 'no'} testId="ar-enabled-text" />
            <Row label="trigger" value={formatMoney(ar.triggerAmount)} testId="ar-trigger-text" />
            <Row label="recharge amount" value={formatMoney(ar.rechargeAmount)} testId="ar-amount-text" />
            <Row label="monthly cap" value={ar.maxRechargesPerMonth == null ? 'none' : String(ar.maxRechargesPerMonth)} testId="ar-cap-text" />
          </Table.Tbody>
        </Table>
      )}
      <Text size="sm" mt="md">
        Payment method: {ar.paymentMethod ? <b data-testid="payment-hint">{ar.paymentMethod.tokenHint}</b> : 'none set'} (a token of the payment provider; card
        numbers are never taken)
      </Text>
      {editable ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setMethod.mutate(undefined, { onSuccess: () => setToken('') });
          }}
        >
          <Group align="flex-end" mt="xs">
            <TextInput
              label="New payment token"
              placeholder="tok_…"
              value={token}
              onChange={(e) => setToken(e.currentTarget.value)}
              data-testid="payment-token"
            />
            <Button type="submit" variant="light" disabled={!token.trim()} loading={setMethod.isPending}>
              Set payment method
            </Button>
          </Group>
          <ProblemAlert error={setMethod.error} title="Payment method not set" />
        </form>
      ) : null}
    </Paper>
  );
}

function Transactions({ tenant }: { tenant: string }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors.at(-1);
  const page = useLive<TransactionPage>(
    'credit-wallet',
    tenantPath(tenant, `/wallet/transactions?limit=25${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
  );
  return (
    <Paper withBorder p="md">
      <Group justify="space-between">
        <Text fw={600}>Transactions (newest first)</Text>
        <Group gap="xs">
          <Button size="xs" variant="default" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
            Newer
          </Button>
          <Text size="sm">page {cursors.length}</Text>
          <Button size="xs" variant="default" disabled={!page.data?.nextCursor} onClick={() => setCursors((c) => [...c, page.data?.nextCursor ?? null])}>
            Older
          </Button>
        </Group>
      </Group>
      <ProblemAlert error={page.error} />
      <Table striped mt="xs" data-testid="transactions">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>when (UTC)</Table.Th>
            <Table.Th>what</Table.Th>
            <Table.Th>call</Table.Th>
            <Table.Th ta="right">amount</Table.Th>
            <Table.Th ta="right">held</Table.Th>
            <Table.Th ta="right">balance after</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(page.data?.items ?? []).map((t) => (
            <Table.Tr key={t.id} data-type={t.type}>
              <Table.Td>{t.occurredAt.replace('T', ' ').slice(0, 19)}</Table.Td>
              <Table.Td>
                {t.type}
                {t.type === 'FundsAdded' && t.details['source'] === 'auto-recharge' ? ' (auto-recharge)' : ''}
              </Table.Td>
              <Table.Td>{t.callId ?? ''}</Table.Td>
              <Table.Td ta="right">{formatMoney(t.amount, { signed: true })}</Table.Td>
              <Table.Td ta="right">{formatMoney(t.held, { signed: true })}</Table.Td>
              <Table.Td ta="right">{formatMoney(t.balanceAfter)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}
