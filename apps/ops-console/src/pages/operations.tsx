import { Badge, Group, Paper, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { readinessOf, topicFigures } from '@comms-credits/ops-console-model';
import { useQuery } from '@tanstack/react-query';
import { LIVE_MS, Service, call } from '../api';
import { DeadLetters } from '../components/dead-letters';
import { Page } from '../components/page';

const SERVICES: Service[] = ['licensing', 'dialout-policy', 'pool-ledger', 'credit-wallet', 'toll-free', 'reporting'];

/**
 * Operators: each service's readiness (`/health/ready`), consumer lag and dead-letter counts
 * (`/metrics`; both public probes), and the dead letters themselves with replay (reporting's
 * operator-only `/dead-letters`).
 */
export function OperationsPage() {
  return (
    <Page title="Operations">
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        {SERVICES.map((s) => (
          <ServiceCard key={s} service={s} />
        ))}
      </SimpleGrid>
      <DeadLetters />
    </Page>
  );
}

function ServiceCard({ service }: { service: Service }) {
  const ready = useQuery({
    queryKey: ['ops', service, 'ready'],
    queryFn: async () => {
      const response = await fetch(`/api/${service}/health/ready`);
      const body = await response.json().catch(() => null);
      if (response.status === 502) return { reachable: false as const, reason: (body as { detail?: string } | null)?.detail ?? 'not reachable' };
      return { reachable: true as const, ...readinessOf(response.status, body) };
    },
    refetchInterval: LIVE_MS,
  });
  const metrics = useQuery({
    queryKey: ['ops', service, 'metrics'],
    queryFn: async () => topicFigures(await call<string>(null, service, '/metrics', { headers: { accept: 'text/plain' } })),
    refetchInterval: LIVE_MS,
    retry: false,
  });
  const state = ready.data;
  return (
    <Paper withBorder p="md" data-service={service}>
      <Group justify="space-between">
        <Text fw={600}>{service}</Text>
        {state ? (
          <Badge color={!state.reachable ? 'gray' : state.ready ? 'teal' : 'red'} data-testid={`ready-${service}`}>
            {!state.reachable ? 'unreachable' : state.ready ? 'ready' : 'not ready'}
          </Badge>
        ) : (
          <Badge color="gray">…</Badge>
        )}
      </Group>
      {state && state.reachable ? (
        <Group gap={4} mt="xs">
          {Object.entries(state.checks).map(([name, status]) => (
            <Badge key={name} variant="light" color={status === 'up' ? 'teal' : 'red'} title={status}>
              {name}
            </Badge>
          ))}
        </Group>
      ) : state ? (
        <Text size="sm" c="dimmed">
          {state.reason}
        </Text>
      ) : null}
      {metrics.data && metrics.data.length > 0 ? (
        <Table mt="sm" fz="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>topic</Table.Th>
              <Table.Th ta="right">lag</Table.Th>
              <Table.Th ta="right">processed</Table.Th>
              <Table.Th ta="right">dead letters</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {metrics.data.map((t) => (
              <Table.Tr key={t.topic}>
                <Table.Td>{t.topic}</Table.Td>
                <Table.Td ta="right" c={t.lag > 1000 ? 'red' : undefined}>
                  {t.lag}
                </Table.Td>
                <Table.Td ta="right">{t.processed}</Table.Td>
                <Table.Td
                  ta="right"
                  c={t.deadLettered > 0 ? 'red' : undefined}
                  title={Object.entries(t.reasons)
                    .map(([r, n]) => `${r}: ${n}`)
                    .join(', ')}
                >
                  {t.deadLettered}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : (
        <Stack gap={0} mt="xs">
          <Text size="xs" c="dimmed">
            {metrics.error ? `metrics: ${(metrics.error as Error).message}` : metrics.data ? 'no consumer metrics yet' : ''}
          </Text>
        </Stack>
      )}
    </Paper>
  );
}
