import { Group, Paper, Stack, Text } from '@mantine/core';
import { PoolFigures, poolGauge } from '@comms-credits/ops-console-model';
import { Bar, BarChart, Legend, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

const LEVEL_COLOR = { ok: 'teal', warning: 'orange', exhausted: 'red', none: 'gray' } as const;

/** The month's pool as one stacked bar (used, reserved, available) against the 80 % and 100 % marks. */
export function PoolGauge({ pool }: { pool: PoolFigures }) {
  const g = poolGauge(pool);
  const data = [{ name: g.month, used: g.used, reserved: g.reserved, available: g.available }];
  return (
    <Paper withBorder p="md" data-testid="pool-gauge">
      <Group justify="space-between" align="flex-start">
        <Stack gap={0}>
          <Text fw={600}>Dial-out pool · {g.month}</Text>
          <Text size="sm" c="dimmed">
            minutes, UTC calendar month
          </Text>
        </Stack>
        <Text fw={700} size="xl" c={LEVEL_COLOR[g.level]} data-testid="pool-used-percent">
          {g.usedText} used
        </Text>
      </Group>
      <Group gap="xl" mt="sm">
        <Figure label="capacity" value={g.capacity} testId="pool-capacity" />
        <Figure label="used" value={g.used} testId="pool-used" />
        <Figure label="reserved" value={g.reserved} testId="pool-reserved" />
        <Figure label="available" value={g.available} testId="pool-available" />
      </Group>
      <div style={{ width: '100%', height: 120 }}>
        <ResponsiveContainer>
          <BarChart data={data} layout="vertical" margin={{ top: 20, right: 30, left: 10, bottom: 0 }}>
            <XAxis type="number" domain={[0, Math.max(g.capacity, g.used + g.reserved + g.available, 1)]} allowDecimals={false} />
            <YAxis type="category" dataKey="name" hide />
            <Tooltip />
            <Legend />
            <Bar dataKey="used" name="used" stackId="pool" fill="#4c6ef5" isAnimationActive={false} />
            <Bar dataKey="reserved" name="reserved" stackId="pool" fill="#fab005" isAnimationActive={false} />
            <Bar dataKey="available" name="available" stackId="pool" fill="#d3f9d8" isAnimationActive={false} />
            {g.marks.map((m) => (
              <ReferenceLine
                key={m.label}
                x={m.minutes}
                stroke={m.label === '100 %' ? '#e03131' : '#f76707'}
                strokeDasharray="4 2"
                label={{ value: m.label, position: 'top', fontSize: 12 }}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
    </Paper>
  );
}

function Figure({ label, value, testId }: { label: string; value: number; testId: string }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed" tt="uppercase">
        {label}
      </Text>
      <Text fw={600} data-testid={testId}>
        {value.toLocaleString('en-US')}
      </Text>
    </Stack>
  );
}
