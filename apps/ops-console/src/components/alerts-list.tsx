import { Alert, Stack, Text } from '@mantine/core';
import type { Alert as AlertItem } from '@comms-credits/ops-console-model';

export function AlertsList({ alerts }: { alerts: AlertItem[] }) {
  if (alerts.length === 0)
    return (
      <Text size="sm" c="dimmed" data-testid="alerts-none">
        No alerts.
      </Text>
    );
  return (
    <Stack gap="xs" data-testid="alerts">
      {alerts.map((a) => (
        <Alert key={a.code} color={a.level} data-code={a.code} p="xs">
          {a.text}
        </Alert>
      ))}
    </Stack>
  );
}
