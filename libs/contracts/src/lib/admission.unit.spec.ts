import { randomUUID } from 'node:crypto';
import { CallClearedV2, dialoutPolicySchemas, licensingSchemas } from '../index';

/** A US organizer dialling Paris, as stage 1 cleared it (version 1: every fact known). */
function callCleared(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventId: randomUUID(),
    type: 'CallCleared',
    version: 1,
    occurredAt: '2026-11-24T10:00:00.000Z',
    tenantId: 'contoso',
    callId: 'c-123',
    callType: 'conf_out',
    userId: 'alice',
    from: '+14255550100',
    to: '+33142685300',
    destinationCountry: 'FR',
    usageLocation: 'US',
    domestic: false,
    zoneA: true,
    emergency: false,
    startedAt: '2026-11-24T10:00:00.000Z',
    policyName: 'DialoutCPCandPSTNInternational',
    policySource: 'global',
    ...overrides,
  };
}

describe('CallCleared on dialout-policy.events', () => {
  const registry = dialoutPolicySchemas();

  it('reads a version 1 as a version 2 with the same facts', () => {
    const result = registry.validate<CallClearedV2>(callCleared());
    expect(result.ok).toBe(true);
    expect(result.ok && result.event).toBeInstanceOf(CallClearedV2);
    expect(result.ok && result.event).toMatchObject({ version: 2, usageLocation: 'US', domestic: false });
  });

  it('accepts a version 2 cleared before the usage location was known: usageLocation and domestic null', () => {
    const result = registry.validate(callCleared({ version: 2, usageLocation: null, domestic: null }));
    expect(result).toMatchObject({ ok: true, event: { usageLocation: null, domestic: null } });
    expect(registry.validate(callCleared({ version: 2 }))).toMatchObject({ ok: true });
  });

  it('refuses a version 1 without a usage location, and a known usage location without domestic', () => {
    expect(registry.validate(callCleared({ usageLocation: null, domestic: null }))).toMatchObject({ ok: false, code: 'SCHEMA_VIOLATION' });
    expect(registry.validate(callCleared({ version: 2, domestic: null }))).toMatchObject({ ok: false, code: 'SCHEMA_VIOLATION' });
    expect(registry.validate(callCleared({ version: 2, usageLocation: 'usa', domestic: null }))).toMatchObject({ ok: false });
  });

  it('still requires both facts on CallEntitled, which licensing fills in', () => {
    const entitled = { ...callCleared({ type: 'CallEntitled' }), poolEligible: true, creditsLicensed: false, capability: 'MCOMEETADD' };
    expect(licensingSchemas().validate(entitled)).toMatchObject({ ok: true });
    expect(licensingSchemas().validate({ ...entitled, usageLocation: null, domestic: null })).toMatchObject({ ok: false, code: 'SCHEMA_VIOLATION' });
  });
});
