import { Paper, Text } from '@mantine/core';
import { BalancePoint, PoolDayPoint } from '@comms-credits/ops-console-model';
import { Bar, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from 'recharts';

/** Pool minutes per day of the month, bars, with the running total as a line. */
export function PoolPerDayChart({ points, note }: { points: PoolDayPoint[]; note?: string }) {
  return (
    <Paper withBorder p="md" data-testid="pool-per-day">
      <Text fw={600}>Pool minutes per day</Text>
      {note ? (
        <Text size="sm" c="dimmed">
          {note}
        </Text>
      ) : null}
      <div style={{ width: '100%', height: 220 }}>
        <ResponsiveContainer>
          <ComposedChart data={points} margin={{ top: 10, right: 20, left: 0, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="day" />
            <YAxis yAxisId="day" allowDecimals={false} />
            <YAxis yAxisId="total" orientation="right" allowDecimals={false} />
            <Tooltip />
            <Bar yAxisId="day" dataKey="poolMinutes" name="pool minutes" fill="#4c6ef5" isAnimationActive={false} />
            <Line yAxisId="total" dataKey="cumulative" name="month to date" stroke="#868e96" dot={false} isAnimationActive={false} />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
    </Paper>
  );
}

const time = (ms: number) => new Date(ms).toISOString().slice(5, 16).replace('T', ' ');

/** The wallet balance over time (a step line), with recharges and top-ups marked as points. */
export function BalanceChart({ points }: { points: BalancePoint[] }) {
  const recharges = points.filter((p) => p.funding === 'auto-recharge');
  const topUps = points.filter((p) => p.funding === 'funds');
  return (
    <Paper withBorder p="md" data-testid="balance-chart">
      <Text fw={600}>Wallet balance</Text>
      <Text size="sm" c="dimmed">
        {recharges.length} auto-recharge{recharges.length === 1 ? '' : 's'} and {topUps.length} top-up{topUps.length === 1 ? '' : 's'} in view (UTC)
      </Text>
      <div style={{ width: '100%', height: 220 }}>
        <ResponsiveContainer>
          <ComposedChart data={points} margin={{ top: 10, right: 20, left: 0, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="at" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={time} />
            <YAxis />
            <Tooltip labelFormatter={(v) => time(Number(v))} formatter={(_v, _n, item) => [(item.payload as BalancePoint).balanceText, 'balance']} />
            <Line dataKey="balance" name="balance" type="stepAfter" stroke="#2f9e44" dot={false} isAnimationActive={false} />
            <Scatter data={recharges} dataKey="balance" name="auto-recharge" fill="#e8590c" isAnimationActive={false} />
            <Scatter data={topUps} dataKey="balance" name="top-up" fill="#1971c2" isAnimationActive={false} />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
    </Paper>
  );
}
