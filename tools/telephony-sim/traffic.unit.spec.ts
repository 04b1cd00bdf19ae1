import { telephonySchemas } from '@comms-credits/contracts';
import { callEndedOf, parseMix, planCall } from './traffic';

const options = {
  tenants: ['contoso'],
  users: ['alice', 'bob'],
  mix: parseMix('conf_out=3,user_out=2,conf_in=1,user_in=1,ucap_in=1'),
  countries: ['FR', 'GB', 'EG', 'US'],
  tollFreeNumbers: ['+18005550100'],
  meanDurationSeconds: 120,
  emergencyShare: 0.1,
};

describe('simulated traffic', () => {
  it('publishes only events that pass the contract', () => {
    const registry = telephonySchemas();
    for (let i = 0; i < 500; i++) {
      const { started, durationSeconds } = planCall(options);
      expect(registry.validate(JSON.parse(JSON.stringify(started)))).toMatchObject({ ok: true });
      expect(registry.validate(JSON.parse(JSON.stringify(callEndedOf(started, durationSeconds))))).toMatchObject({ ok: true });
      expect(durationSeconds).toBeGreaterThanOrEqual(1);
    }
  });

  it('follows the mix', () => {
    const counts: Record<string, number> = {};
    for (let i = 0; i < 4000; i++) {
      const type = planCall({ ...options, mix: parseMix('conf_out=3,ucap_in=1') }).started.callType;
      counts[type] = (counts[type] ?? 0) + 1;
    }
    expect(Object.keys(counts).sort()).toEqual(['conf_out', 'ucap_in']);
    expect(counts['conf_out']! / 4000).toBeGreaterThan(0.7);
    expect(counts['conf_out']! / 4000).toBeLessThan(0.8);
  });

  it('explains a bad mix', () => {
    expect(() => parseMix('fax_out=1')).toThrow(/conf_out, conf_in/);
  });
});
