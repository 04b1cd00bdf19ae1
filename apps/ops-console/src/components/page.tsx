import { Badge, Group, Loader, Stack, Title } from '@mantine/core';
import { useIsFetching } from '@tanstack/react-query';
import { ReactNode } from 'react';
import { LIVE_MS } from '../api';

/** A page: its title, a "live" badge that shows each refresh, and its content. */
export function Page({ title, children, actions }: { title: ReactNode; children: ReactNode; actions?: ReactNode }) {
  const fetching = useIsFetching();
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Group gap="sm">
          <Title order={2}>{title}</Title>
          <Badge variant="light" color="teal" leftSection={fetching ? <Loader size={10} color="teal" /> : null} title={`refreshes every ${LIVE_MS / 1000} s`}>
            live
          </Badge>
        </Group>
        {actions}
      </Group>
      {children}
    </Stack>
  );
}
