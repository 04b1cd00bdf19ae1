import { randomUUID } from 'node:crypto';
import { CallEnded, CallStarted, CallType } from '@comms-credits/contracts';

/** Where simulated calls go, by call type; numbers are valid for their country. */
export const SAMPLE_NUMBERS: Record<string, string[]> = {
  US: ['+14255550123', '+12125550187', '+13105550142'],
  FR: ['+33142685300', '+33491123456'],
  GB: ['+442079460000', '+441612345678'],
  DE: ['+493012345678', '+498912345678'],
  JP: ['+81312345678'],
  AU: ['+61291234567'],
  BR: ['+5511987654321'],
  EG: ['+20223456789'],
  AR: ['+541141234567'],
  NG: ['+2348031234567'],
};

export interface TrafficOptions {
  tenants: string[];
  users: string[];
  /** Relative weights of each call type. */
  mix: Partial<Record<CallType, number>>;
  /** Destination countries of outbound calls. */
  countries: string[];
  /** Toll-free numbers of the tenants, for inbound calls (else inbound calls go to a regular number). */
  tollFreeNumbers: string[];
  /** Mean simulated duration in seconds; durations vary ±75 % around it. */
  meanDurationSeconds: number;
  /** Emergency calls are rare but real: the share of user_out calls that dial 911/112. */
  emergencyShare: number;
}

export interface PlannedCall {
  started: CallStarted;
  /** Simulated length; telephony may end it earlier (rejection, maxDurationSeconds). */
  durationSeconds: number;
}

/** Draws one realistic call from the options, with a random generator for repeatability. */
export function planCall(options: TrafficOptions, random: () => number = Math.random): PlannedCall {
  const tenantId = pick(options.tenants, random);
  const callType = pickWeighted(options.mix, random);
  const userId = pick(options.users, random);
  const outboundTo = () => pick(SAMPLE_NUMBERS[pick(options.countries, random)] ?? SAMPLE_NUMBERS['US']!, random);
  const caller = pick(SAMPLE_NUMBERS['US']!, random);
  const base = {
    eventId: randomUUID(),
    type: 'CallStarted' as const,
    version: 1 as const,
    occurredAt: new Date().toISOString(),
    tenantId,
    callId: `sim-${randomUUID()}`,
  };
  let started: CallStarted;
  switch (callType) {
    case 'conf_out':
      started = { ...base, callType, userId, from: '+14255550100', to: outboundTo(), meetingId: `m-${Math.floor(random() * 50)}` };
      break;
    case 'user_out':
      started = { ...base, callType, userId, from: caller, to: random() < options.emergencyShare ? '911' : outboundTo() };
      break;
    case 'ucap_in':
      started = { ...base, callType, from: outboundTo(), to: pick(options.tollFreeNumbers.length ? options.tollFreeNumbers : ['+14255550100'], random) };
      break;
    default:
      started = {
        ...base,
        callType,
        userId,
        from: outboundTo(),
        to: options.tollFreeNumbers.length && random() < 0.7 ? pick(options.tollFreeNumbers, random) : caller,
      };
  }
  const spread = 0.25 + random() * 1.5;
  return { started, durationSeconds: Math.max(1, Math.round(options.meanDurationSeconds * spread)) };
}

export function callEndedOf(started: CallStarted, durationSeconds: number): CallEnded {
  return {
    eventId: randomUUID(),
    type: 'CallEnded',
    version: 1,
    occurredAt: new Date().toISOString(),
    tenantId: started.tenantId,
    callId: started.callId,
    durationSeconds,
  };
}

export function parseMix(text: string): Partial<Record<CallType, number>> {
  const mix: Partial<Record<CallType, number>> = {};
  for (const part of text.split(',')) {
    const [type, weight] = part.split('=');
    if (!type || !['conf_out', 'conf_in', 'user_out', 'user_in', 'ucap_in'].includes(type) || !(Number(weight) >= 0)) {
      throw new Error(`--mix: "${part}" is not <call type>=<weight> (types: conf_out, conf_in, user_out, user_in, ucap_in)`);
    }
    mix[type as CallType] = Number(weight);
  }
  return mix;
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)]!;
}

function pickWeighted(mix: Partial<Record<CallType, number>>, random: () => number): CallType {
  const entries = Object.entries(mix).filter(([, w]) => (w ?? 0) > 0) as [CallType, number][];
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let roll = random() * total;
  for (const [type, weight] of entries) {
    roll -= weight;
    if (roll < 0) return type;
  }
  return entries[entries.length - 1]![0];
}
