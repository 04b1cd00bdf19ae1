import { Badge, Button, Group, Paper, Select, Table, Text, TextInput } from '@mantine/core';
import { canEdit } from '@comms-credits/ops-console-model';
import { useState } from 'react';
import { idempotencyKey, tenantPath, useChange, useLive } from '../api';
import { Page } from '../components/page';
import { ProblemAlert } from '../components/problem-alert';
import { useSignedIn } from '../session';
import { Quota, TollFreeNumber } from '../types';

const COUNTRIES = ['US', 'CA', 'GB', 'IE', 'FR', 'DE', 'NL', 'AU'];
const TARGETS = ['conference_bridge', 'call_queue', 'auto_attendant'];

export function TollFreePage({ tenant }: { tenant: string }) {
  const session = useSignedIn();
  const editable = canEdit(session, tenant);
  const numbers = useLive<TollFreeNumber[]>('toll-free', tenantPath(tenant, '/toll-free-numbers'));
  const quota = useLive<Quota>('toll-free', tenantPath(tenant, '/toll-free-numbers/quota'));
  return (
    <Page title={`Toll-free numbers · ${tenant}`}>
      <Paper withBorder p="md">
        <Group justify="space-between">
          <Text fw={600}>Quota</Text>
          <Text data-testid="toll-free-quota">
            {quota.data ? `${quota.data.numbersHeld} of ${quota.data.quota} held (${quota.data.licences} qualifying licences)` : '…'}
          </Text>
        </Group>
        {editable ? <Acquire tenant={tenant} /> : null}
      </Paper>
      <ProblemAlert error={numbers.error} />
      <Table striped data-testid="toll-free-numbers">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>number</Table.Th>
            <Table.Th>country</Table.Th>
            <Table.Th>status</Table.Th>
            <Table.Th>assignment</Table.Th>
            <Table.Th ta="right">minutes this month</Table.Th>
            {editable ? <Table.Th>change</Table.Th> : null}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(numbers.data ?? []).map((n) => (
            <Table.Tr key={n.number} data-number={n.number}>
              <Table.Td>{n.number}</Table.Td>
              <Table.Td>{n.country}</Table.Td>
              <Table.Td>
                <Badge color={n.status === 'active' ? 'teal' : 'red'}>{n.status}</Badge>
              </Table.Td>
              <Table.Td>{n.assignment ? `${n.assignment.target}: ${n.assignment.targetId}` : 'unassigned'}</Table.Td>
              <Table.Td ta="right">{n.minutes}</Table.Td>
              {editable ? (
                <Table.Td>
                  <NumberChanges tenant={tenant} number={n} />
                </Table.Td>
              ) : null}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Page>
  );
}

function Acquire({ tenant }: { tenant: string }) {
  const [country, setCountry] = useState<string | null>('US');
  const [key, setKey] = useState(idempotencyKey);
  const acquire = useChange<void>('toll-free', () => ({
    path: tenantPath(tenant, '/toll-free-numbers'),
    method: 'POST',
    body: { country },
    headers: { 'idempotency-key': key },
  }));
  return (
    <>
      <Group align="flex-end" mt="sm">
        <Select label="Country" data={COUNTRIES} value={country} onChange={setCountry} allowDeselect={false} w={120} />
        <Button
          loading={acquire.isPending}
          onClick={() => acquire.mutate(undefined, { onSuccess: () => setKey(idempotencyKey()) })}
          data-testid="toll-free-acquire"
        >
          Acquire a number
        </Button>
      </Group>
      <ProblemAlert error={acquire.error} title="No number acquired" />
    </>
  );
}

function NumberChanges({ tenant, number }: { tenant: string; number: TollFreeNumber }) {
  const [target, setTarget] = useState<string | null>(number.assignment?.target ?? 'call_queue');
  const [targetId, setTargetId] = useState(number.assignment?.targetId ?? '');
  const path = tenantPath(tenant, `/toll-free-numbers/${encodeURIComponent(number.number)}`);
  const assign = useChange<void>('toll-free', () => ({ path: `${path}/assignment`, method: 'PUT', body: { target, targetId: targetId.trim() } }));
  const release = useChange<void>('toll-free', () => ({ path, method: 'DELETE' }));
  return (
    <>
      <Group gap={4}>
        <Select size="xs" data={TARGETS} value={target} onChange={setTarget} allowDeselect={false} w={170} />
        <TextInput size="xs" placeholder="target id" value={targetId} onChange={(e) => setTargetId(e.currentTarget.value)} w={140} />
        <Button size="xs" variant="light" disabled={!targetId.trim()} onClick={() => assign.mutate()}>
          Assign
        </Button>
        <Button
          size="xs"
          color="red"
          variant="subtle"
          onClick={() => window.confirm(`Release ${number.number}?`) && release.mutate()}
          data-testid="toll-free-release"
        >
          Release
        </Button>
      </Group>
      <ProblemAlert error={assign.error ?? release.error} title="Not changed" />
    </>
  );
}
