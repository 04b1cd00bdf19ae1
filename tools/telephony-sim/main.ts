/**
 * Telephony simulator: publishes realistic CallStarted / CallEnded traffic for one or many
 * tenants, reads calls.decisions to end rejected calls at once (and admitted ones at their
 * maxDurationSeconds) like real telephony, shows progress and prints a summary.
 *
 *   npm run sim -- --tenants contoso --rate 2 --for 60
 *   npm run sim -- --help
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { CallStarted, Topics } from '@comms-credits/contracts';
import { kafkaSecurityOf, kafkaSecurityOptions } from '@comms-credits/messaging';
import { Kafka, Partitioners, Producer, logLevel } from 'kafkajs';
import { PlannedCall, TrafficOptions, callEndedOf, parseMix, planCall } from './traffic';

const HELP = `telephony simulator — publishes CallStarted/CallEnded and follows calls.decisions

options:
  --brokers host:port        Kafka (default $KAFKA_BROKERS or 127.0.0.1:9092)
  --tenants a,b              tenants to call for (default contoso)
  --users a,b                organizers/callers (default alice,bob,carol)
  --rate N                   new calls per second (default 1)
  --for SECONDS              stop starting calls after this long (default: until Ctrl-C)
  --calls N                  stop after N calls (default: no limit)
  --duration SECONDS         mean simulated call length (default 120)
  --speedup N                simulated seconds per real second (default 60: a 2-minute call ends after 2 s)
  --mix type=w,…             call-type weights (default conf_out=5,user_out=3,conf_in=1,ucap_in=1)
  --countries CC,…           outbound destinations (default US,FR,GB,DE,JP,BR,EG)
  --toll-free +1800…,…       the tenants' toll-free numbers, for inbound calls
  --emergency-share F        share of user_out calls to 911 (default 0.02)
  --topic-prefix P           topic namespace (default none)
  --quiet                    no progress lines, only the summary
`;

interface Tally {
  started: number;
  ended: number;
  admitted: Record<string, number>;
  rejected: Record<string, number>;
  undecided: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      brokers: { type: 'string', default: process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092' },
      tenants: { type: 'string', default: 'contoso' },
      users: { type: 'string', default: 'alice,bob,carol' },
      rate: { type: 'string', default: '1' },
      for: { type: 'string' },
      calls: { type: 'string' },
      duration: { type: 'string', default: '120' },
      speedup: { type: 'string', default: '60' },
      mix: { type: 'string', default: 'conf_out=5,user_out=3,conf_in=1,ucap_in=1' },
      countries: { type: 'string', default: 'US,FR,GB,DE,JP,BR,EG' },
      'toll-free': { type: 'string', default: '' },
      'emergency-share': { type: 'string', default: '0.02' },
      'topic-prefix': { type: 'string', default: '' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const rate = positive('rate', values.rate);
  const speedup = positive('speedup', values.speedup);
  const forSeconds = values.for === undefined ? Infinity : positive('for', values.for);
  const maxCalls = values.calls === undefined ? Infinity : positive('calls', values.calls);
  const traffic: TrafficOptions = {
    tenants: list(values.tenants),
    users: list(values.users),
    mix: parseMix(values.mix),
    countries: list(values.countries),
    tollFreeNumbers: list(values['toll-free']),
    meanDurationSeconds: positive('duration', values.duration),
    emergencyShare: Number(values['emergency-share']),
  };
  const prefix = values['topic-prefix'];

  // Telephony's own broker credentials, from the same settings as the services' (docs/security.md).
  const security = kafkaSecurityOf({
    KAFKA_SSL: process.env['KAFKA_SSL'] === 'true',
    KAFKA_SSL_CA_FILE: process.env['KAFKA_SSL_CA_FILE'],
    KAFKA_SASL_MECHANISM: process.env['KAFKA_SASL_MECHANISM'] as 'plain' | undefined,
    KAFKA_SASL_USERNAME: process.env['KAFKA_SASL_USERNAME'],
    KAFKA_SASL_PASSWORD: process.env['KAFKA_SASL_PASSWORD'],
  });
  const kafka = new Kafka({ clientId: 'telephony-sim', brokers: list(values.brokers), logLevel: logLevel.NOTHING, ...kafkaSecurityOptions(security) });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId: `telephony-sim-${process.pid}-${Date.now()}`, maxWaitTimeInMs: 100 });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topic: prefix + Topics.CallDecisions, fromBeginning: false });

  const tally: Tally = { started: 0, ended: 0, admitted: {}, rejected: {}, undecided: 0 };
  const inFlight = new Map<string, { call: PlannedCall; startedAt: number; timer?: NodeJS.Timeout; decided: boolean; ending?: boolean }>();

  const endCall = async (callId: string, simulatedSeconds: number) => {
    const entry = inFlight.get(callId);
    if (!entry || entry.ending) return;
    entry.ending = true;
    clearTimeout(entry.timer);
    if (!entry.decided) tally.undecided++;
    await send(producer, prefix + Topics.CallEnded, entry.call.started.tenantId, callEndedOf(entry.call.started, simulatedSeconds));
    tally.ended++;
    inFlight.delete(callId); // only now: the summary waits for every CallEnded to be sent
  };

  await consumer.run({
    eachMessage: async ({ message }) => {
      const decision = JSON.parse(message.value?.toString() ?? '{}') as Record<string, unknown>;
      const entry = inFlight.get(String(decision['callId']));
      if (!entry || entry.decided || entry.ending) return;
      entry.decided = true;
      if (decision['type'] === 'CallRejected') {
        bump(tally.rejected, String(decision['reason']));
        await endCall(entry.call.started.callId, 0); // telephony drops a rejected call at once
        return;
      }
      bump(tally.admitted, String(decision['funding']));
      const max = decision['maxDurationSeconds'];
      if (typeof max === 'number' && max < entry.call.durationSeconds) {
        // The call is cut when its funding runs out.
        clearTimeout(entry.timer);
        const elapsed = ((Date.now() - entry.startedAt) / 1000) * speedup;
        entry.timer = setTimeout(() => void endCall(entry.call.started.callId, max), Math.max(0, ((max - elapsed) * 1000) / speedup));
      }
    },
  });

  const startedAt = Date.now();
  let stopping = false;
  /** Hangs up every call now, billing what each has lasted so far. */
  const hangUpAll = () => {
    for (const [id, entry] of inFlight) void endCall(id, Math.round(((Date.now() - entry.startedAt) / 1000) * speedup));
  };
  // Ctrl-C: start no more calls and let those in flight finish (a second Ctrl-C hangs them up).
  // SIGTERM (a supervisor stopping us): hang up at once.
  process.once('SIGINT', () => (stopping = true));
  process.once('SIGTERM', () => {
    stopping = true;
    hangUpAll();
  });
  const progress = values.quiet ? undefined : setInterval(() => printProgress(tally, inFlight.size, startedAt), 2_000);

  while (!stopping && tally.started < maxCalls && (Date.now() - startedAt) / 1000 < forSeconds) {
    const call = planCall(traffic);
    const entry = { call, startedAt: Date.now(), decided: false, timer: undefined as NodeJS.Timeout | undefined };
    inFlight.set(call.started.callId, entry);
    entry.timer = setTimeout(() => void endCall(call.started.callId, call.durationSeconds), (call.durationSeconds * 1000) / speedup);
    await send(producer, prefix + Topics.CallStarted, call.started.tenantId, call.started);
    tally.started++;
    await sleepUnless(() => stopping, 1000 / rate);
  }

  // Let the calls in flight finish (a second Ctrl-C ends them all now).
  process.once('SIGINT', hangUpAll);
  process.once('SIGTERM', hangUpAll);
  while (inFlight.size > 0) await sleepUnless(() => false, 200);
  clearInterval(progress);
  printSummary(tally, startedAt);
  await consumer.disconnect();
  await producer.disconnect();
}

async function send(producer: Producer, topic: string, key: string, event: CallStarted | object): Promise<void> {
  await producer.send({ topic, acks: -1, messages: [{ key, value: JSON.stringify(event) }] });
}

function printProgress(tally: Tally, inFlight: number, startedAt: number): void {
  const seconds = Math.round((Date.now() - startedAt) / 1000);
  process.stdout.write(
    `[${seconds}s] started ${tally.started}, ended ${tally.ended}, in flight ${inFlight} | admitted ${fmt(tally.admitted)} | rejected ${fmt(tally.rejected)}\n`,
  );
}

function printSummary(tally: Tally, startedAt: number): void {
  process.stdout.write(`\nsummary after ${Math.round((Date.now() - startedAt) / 1000)} s\n`);
  console.table({
    started: { calls: tally.started },
    ended: { calls: tally.ended },
    ...Object.fromEntries(Object.entries(tally.admitted).map(([k, v]) => [`admitted: ${k}`, { calls: v }])),
    ...Object.fromEntries(Object.entries(tally.rejected).map(([k, v]) => [`rejected: ${k}`, { calls: v }])),
    'ended before any decision': { calls: tally.undecided },
  });
}

function fmt(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  return entries.length ? entries.map(([k, v]) => `${k} ${v}`).join(', ') : '—';
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function list(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function positive(name: string, text: string): number {
  const value = Number(text);
  if (!(value > 0)) throw new Error(`--${name} must be a positive number, got ${JSON.stringify(text)}`);
  return value;
}

function sleepUnless(stop: () => boolean, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (stop()) {
      clearTimeout(timer);
      resolve();
    }
  });
}

main().catch((error) => {
  process.stderr.write(`telephony-sim: ${error instanceof Error ? error.message : error}\n`);
  process.exit(1);
});
