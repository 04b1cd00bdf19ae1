import { Alert, Badge, Button, Code, Drawer, Group, Paper, Select, Stack, Table, Text, Textarea } from '@mantine/core';
import type { DeadLetterDetail as Detail, DeadLetterSummary, ReplayOutcome } from '@comms-credits/contracts/responses';
import { Page as ApiPage, consumerName, deadLetterPath, deadLetterPlace, pageOf, payloadText, replayBodyOf } from '@comms-credits/ops-console-model';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { LIVE_MS, useChange, useLive } from '../api';
import { ProblemAlert } from './problem-alert';

/** The contract's topics (the API takes a topic or its .dlt). */
const TOPICS = [
  'telephony.call-started',
  'telephony.call-ended',
  'calls.decisions',
  'licensing.events',
  'dialout-policy.events',
  'pool-ledger.events',
  'credit-wallet.events',
  'toll-free.events',
];
const PAGE_SIZE = 50;
/** Listing reads the broker (a throw-away consumer per request): not every 5 s. */
const DEAD_LETTER_REFRESH_MS = Math.max(LIVE_MS, 15_000);

/** Operators: the dead letters of every topic (reporting's `GET /dead-letters`), one in full, and its replay. */
export function DeadLetters() {
  const [topic, setTopic] = useState('');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (topic) query.set('topic', topic);
  if (cursor) query.set('cursor', cursor);
  const letters = useLive<unknown>('reporting', `/dead-letters?${query.toString()}`, { refetchInterval: DEAD_LETTER_REFRESH_MS, retry: false });
  const page: ApiPage<DeadLetterSummary> = pageOf<DeadLetterSummary>(letters.data);
  const [selected, setSelected] = useState<DeadLetterSummary | null>(null);
  const client = useQueryClient();
  return (
    <Paper withBorder p="md" data-testid="dead-letters">
      <Group justify="space-between" mb="sm">
        <Text fw={600}>Dead letters</Text>
        <Group gap="xs">
          <Select
            size="xs"
            data={[{ value: '', label: 'all topics' }, ...TOPICS.map((t) => ({ value: t, label: t }))]}
            value={topic}
            onChange={(v) => {
              setTopic(v ?? '');
              setCursors([null]);
            }}
            allowDeselect={false}
            w={240}
            data-testid="dead-letter-topic"
          />
          <Button size="xs" variant="light" onClick={() => void client.invalidateQueries({ queryKey: ['reporting'] })} loading={letters.isFetching}>
            Refresh
          </Button>
        </Group>
      </Group>
      <ProblemAlert error={letters.error} title="Dead letters cannot be listed" />
      <Table fz="xs" striped highlightOnHover data-testid="dead-letters-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>dead letter</Table.Th>
            <Table.Th>reason</Table.Th>
            <Table.Th>consumer</Table.Th>
            <Table.Th>tenant</Table.Th>
            <Table.Th>failed at</Table.Th>
            <Table.Th>error</Table.Th>
            <Table.Th>payload</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {page.items.map((l) => (
            <Table.Tr
              key={deadLetterPlace(l)}
              data-dead-letter={deadLetterPlace(l)}
              data-key={l.key ?? ''}
              style={{ cursor: 'pointer' }}
              onClick={() => setSelected(l)}
            >
              <Table.Td>
                <Code>{deadLetterPlace(l)}</Code>
              </Table.Td>
              <Table.Td>
                <Badge color="red" variant="light">
                  {l.reason || '?'}
                </Badge>
              </Table.Td>
              <Table.Td title={l.consumer}>{consumerName(l.consumer)}</Table.Td>
              <Table.Td>{l.tenantId ?? '—'}</Table.Td>
              <Table.Td>{l.failedAt}</Table.Td>
              <Table.Td maw={320} style={{ wordBreak: 'break-word' }}>
                {l.error}
              </Table.Td>
              <Table.Td maw={260} style={{ wordBreak: 'break-all' }}>
                <Text size="xs" ff="monospace">
                  {l.payloadPreview ?? 'null'}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {letters.data && page.items.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="dead-letters-none">
          No dead letters{topic ? ` on ${topic}` : ''}.
        </Text>
      ) : null}
      <Group mt="xs" gap="xs">
        <Button size="xs" variant="default" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous
        </Button>
        <Button size="xs" variant="default" disabled={!page.nextCursor} onClick={() => setCursors([...cursors, page.nextCursor])}>
          Next
        </Button>
      </Group>
      <Drawer
        opened={selected !== null}
        onClose={() => setSelected(null)}
        position="right"
        size="xl"
        title={selected ? `Dead letter ${deadLetterPlace(selected)}` : ''}
      >
        {selected ? <DeadLetterDetail letter={selected} /> : null}
      </Drawer>
    </Paper>
  );
}

function DeadLetterDetail({ letter }: { letter: DeadLetterSummary }) {
  const detail = useLive<Detail>('reporting', deadLetterPath(letter), { refetchInterval: false, retry: false });
  const [draft, setDraft] = useState<string | null>(null);
  const [invalid, setInvalid] = useState<string | null>(null);
  const replay = useChange<{ payload?: unknown }>('reporting', (body) => ({ path: deadLetterPath(letter, '/replay'), method: 'POST', body }));
  const text = draft ?? payloadText(detail.data?.payload);
  const submit = (withPayload: boolean) => {
    setInvalid(null);
    if (!withPayload) return replay.mutate({});
    const parsed = replayBodyOf(text);
    if ('error' in parsed) return setInvalid(parsed.error);
    replay.mutate(parsed.body);
  };
  const result = replay.data as ReplayOutcome | undefined;
  return (
    <Stack gap="sm" data-testid="dead-letter-detail">
      <ProblemAlert error={detail.error} title="The dead letter cannot be read" />
      <Text size="sm">
        <b>{letter.reason}</b> in <Code>{letter.consumer}</Code> at {letter.failedAt}: {letter.error}
      </Text>
      <Text size="sm">
        From <Code>{letter.originalTopic}</Code> partition {letter.originalPartition} offset {letter.originalOffset}; key <Code>{letter.key ?? 'null'}</Code>;{' '}
        {letter.payloadBytes} bytes.
      </Text>
      {detail.data ? (
        <Table fz="xs" data-testid="dead-letter-headers">
          <Table.Tbody>
            {Object.entries(detail.data.headers).map(([name, value]) => (
              <Table.Tr key={name}>
                <Table.Td>
                  <Code>{name}</Code>
                </Table.Td>
                <Table.Td style={{ wordBreak: 'break-all' }}>{value}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      <Textarea
        label="Payload (edit it to replay a fixed version)"
        autosize
        minRows={6}
        maxRows={24}
        styles={{ input: { fontFamily: 'monospace', fontSize: 12 } }}
        value={text}
        onChange={(e) => setDraft(e.currentTarget.value)}
        data-testid="dead-letter-payload"
      />
      {invalid ? (
        <Alert color="red" data-testid="dead-letter-invalid">
          {invalid}
        </Alert>
      ) : null}
      <Group>
        <Button onClick={() => submit(true)} loading={replay.isPending} disabled={draft === null} data-testid="replay-fixed">
          Replay with this payload
        </Button>
        <Button variant="default" onClick={() => submit(false)} loading={replay.isPending} data-testid="replay-as-is">
          Replay as it was
        </Button>
      </Group>
      <ProblemAlert error={replay.error} title="The replay was refused" />
      {result ? (
        <Alert color="teal" data-testid="replayed">
          Replayed to {result.replayedTo.topic} partition {result.replayedTo.partition} offset {result.replayedTo.offset}
          {result.withFixedPayload ? ' with the fixed payload' : ''}; recorded in the audit of {result.tenantId}.
        </Alert>
      ) : null}
    </Stack>
  );
}
