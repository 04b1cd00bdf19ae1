import { Badge, Button, Group, NumberInput, Paper, Select, Stack, Table, Text } from '@mantine/core';
import { canEdit } from '@comms-credits/ops-console-model';
import { useState } from 'react';
import { tenantPath, useChange, useLive } from '../api';
import { Page } from '../components/page';
import { ProblemAlert } from '../components/problem-alert';
import { useSignedIn } from '../session';
import { EffectivePolicy, SKUS, Subscription, User } from '../types';

interface PolicyEntry {
  name: string;
  cpc: string;
  pstn: string;
}

export function LicencesPage({ tenant }: { tenant: string }) {
  const session = useSignedIn();
  const editable = canEdit(session, tenant);
  const subscriptions = useLive<Subscription[]>('licensing', tenantPath(tenant, '/subscriptions'));
  const users = useLive<User[]>('licensing', tenantPath(tenant, '/users'));
  const global = useLive<{ policyName: string }>('dialout-policy', tenantPath(tenant, '/dialout-policy'));
  const catalogue = useLive<PolicyEntry[]>('dialout-policy', '/dialout-policies', { refetchInterval: false });
  const policies = (catalogue.data ?? []).map((p) => ({ value: p.name, label: `${p.name} (CPC ${p.cpc}, PSTN ${p.pstn})` }));
  return (
    <Page title={`Licences & policies · ${tenant}`}>
      <Paper withBorder p="md">
        <Text fw={600}>Seats</Text>
        <ProblemAlert error={subscriptions.error} />
        <Table mt="xs" data-testid="subscriptions">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>SKU</Table.Th>
              <Table.Th ta="right">seats</Table.Th>
              <Table.Th ta="right">assigned</Table.Th>
              <Table.Th ta="right">available</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(subscriptions.data ?? []).map((s) => (
              <Table.Tr key={s.sku} data-sku={s.sku}>
                <Table.Td>{s.sku}</Table.Td>
                <Table.Td ta="right">{s.seats}</Table.Td>
                <Table.Td ta="right">{s.assigned}</Table.Td>
                <Table.Td ta="right">{s.available ?? 'unlimited'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {editable ? <SetSeats tenant={tenant} /> : null}
      </Paper>
      <Paper withBorder p="md">
        <Group justify="space-between">
          <Text fw={600}>Global dial-out policy</Text>
          <Text data-testid="global-policy">{global.data?.policyName ?? '…'}</Text>
        </Group>
        <ProblemAlert error={global.error} />
        {editable ? <GrantGlobal tenant={tenant} policies={policies} /> : null}
      </Paper>
      <Paper withBorder p="md">
        <Text fw={600}>Users</Text>
        <ProblemAlert error={users.error} title="Users cannot be listed" />
        <Table mt="xs" data-testid="users">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>user</Table.Th>
              <Table.Th>usage location</Table.Th>
              <Table.Th>licences</Table.Th>
              <Table.Th>effective dial-out policy</Table.Th>
              {editable ? <Table.Th>change</Table.Th> : null}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(users.data ?? []).map((u) => (
              <UserRow key={u.userId} tenant={tenant} user={u} editable={editable} policies={policies} />
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
    </Page>
  );
}

function SetSeats({ tenant }: { tenant: string }) {
  const [sku, setSku] = useState<string | null>(SKUS[0]);
  const [seats, setSeats] = useState<string | number>('');
  const change = useChange<void>('licensing', () => ({ path: tenantPath(tenant, `/subscriptions/${sku}`), method: 'PUT', body: { seats: Number(seats) } }), [
    'pool-ledger',
    'toll-free',
  ]);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        change.mutate();
      }}
    >
      <Group align="flex-end" mt="sm">
        <Select label="SKU" data={[...SKUS]} value={sku} onChange={setSku} allowDeselect={false} w={320} />
        <NumberInput label="Seats purchased" min={0} allowDecimal={false} value={seats} onChange={setSeats} w={160} />
        <Button type="submit" disabled={seats === '' || !sku} loading={change.isPending}>
          Set seats
        </Button>
      </Group>
      <ProblemAlert error={change.error} title="Seats not changed" />
    </form>
  );
}

function GrantGlobal({ tenant, policies }: { tenant: string; policies: { value: string; label: string }[] }) {
  const [name, setName] = useState<string | null>(null);
  const change = useChange<void>('dialout-policy', () => ({ path: tenantPath(tenant, '/dialout-policy'), method: 'PUT', body: { policyName: name } }));
  return (
    <Group align="flex-end" mt="xs">
      <Select placeholder="grant another Global policy" data={policies} value={name} onChange={setName} w={480} searchable />
      <Button disabled={!name} loading={change.isPending} onClick={() => change.mutate()}>
        Grant
      </Button>
      <ProblemAlert error={change.error} title="Policy not granted" />
    </Group>
  );
}

function UserRow({ tenant, user, editable, policies }: { tenant: string; user: User; editable: boolean; policies: { value: string; label: string }[] }) {
  const policy = useLive<EffectivePolicy>('dialout-policy', tenantPath(tenant, `/users/${encodeURIComponent(user.userId)}/dialout-policy`));
  return (
    <Table.Tr data-user={user.userId}>
      <Table.Td>
        {user.userId}
        {user.displayName ? (
          <Text size="xs" c="dimmed">
            {user.displayName}
          </Text>
        ) : null}
      </Table.Td>
      <Table.Td>{user.usageLocation ?? '—'}</Table.Td>
      <Table.Td>
        <Group gap={4}>
          {user.licenses.map((l) => (
            <Badge key={l} variant="light" size="sm">
              {l}
            </Badge>
          ))}
        </Group>
      </Table.Td>
      <Table.Td data-col="policy">
        {policy.data ? (
          <>
            {policy.data.policyName}{' '}
            <Text span size="xs" c="dimmed">
              ({policy.data.source}; CPC {policy.data.cpc}, PSTN {policy.data.pstn})
            </Text>
          </>
        ) : policy.error ? (
          policy.error.message
        ) : (
          '…'
        )}
      </Table.Td>
      {editable ? (
        <Table.Td>
          <UserChanges tenant={tenant} user={user} policies={policies} />
        </Table.Td>
      ) : null}
    </Table.Tr>
  );
}

function UserChanges({ tenant, user, policies }: { tenant: string; user: User; policies: { value: string; label: string }[] }) {
  const [sku, setSku] = useState<string | null>(null);
  const [policy, setPolicy] = useState<string | null>(null);
  const base = tenantPath(tenant, `/users/${encodeURIComponent(user.userId)}`);
  const licence = useChange<'assign' | 'unassign'>(
    'licensing',
    (action) => ({ path: `${base}/licenses/${sku}`, method: action === 'assign' ? 'PUT' : 'DELETE' }),
    ['pool-ledger', 'toll-free'],
  );
  const grant = useChange<string | null>('dialout-policy', (name) => ({ path: `${base}/dialout-policy`, method: 'PUT', body: { policyName: name } }));
  return (
    <Stack gap={4}>
      <Group gap={4}>
        <Select size="xs" placeholder="licence" data={[...SKUS]} value={sku} onChange={setSku} w={230} />
        <Button size="xs" variant="light" disabled={!sku} onClick={() => sku && licence.mutate(user.licenses.includes(sku) ? 'unassign' : 'assign')}>
          {sku && user.licenses.includes(sku) ? 'Unassign' : 'Assign'}
        </Button>
      </Group>
      <Group gap={4}>
        <Select size="xs" placeholder="own policy" data={policies} value={policy} onChange={setPolicy} w={230} searchable />
        <Button size="xs" variant="light" disabled={!policy} onClick={() => grant.mutate(policy)}>
          Grant
        </Button>
        <Button size="xs" variant="subtle" onClick={() => grant.mutate(null)} title="the user follows the Global policy again">
          Use Global
        </Button>
      </Group>
      <ProblemAlert error={licence.error ?? grant.error} title="Not changed" />
    </Stack>
  );
}
