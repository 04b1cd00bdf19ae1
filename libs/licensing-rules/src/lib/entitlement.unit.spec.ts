import { Sku } from '@comms-credits/contracts';
import { OutboundCall, entitle } from './entitlement';
import { entitlementsOf } from './licences';

const zoneAForeign: OutboundCall = { callType: 'conf_out', destinationCountry: 'FR', domestic: false, zoneA: true, emergency: false };
const domesticUs: OutboundCall = { callType: 'conf_out', destinationCountry: 'US', domestic: true, zoneA: true, emergency: false };
const nonZoneA: OutboundCall = { callType: 'conf_out', destinationCountry: 'EG', domestic: false, zoneA: false, emergency: false };
const pstn = (call: OutboundCall): OutboundCall => ({ ...call, callType: 'user_out' });
const emergency: OutboundCall = { callType: 'user_out', destinationCountry: 'US', domestic: true, zoneA: true, emergency: true };

function outcome(call: OutboundCall, ...skus: Sku[]) {
  return entitle(call, entitlementsOf(skus));
}

describe('admission stage 2: meeting dial-out (conf_out, the organizer’s licences)', () => {
  it('rejects an organizer without Audio Conferencing', () => {
    expect(outcome(zoneAForeign, 'PHONE_SYSTEM', 'COMMUNICATIONS_CREDITS')).toMatchObject({ kind: 'reject', reason: 'NO_AUDIO_CONFERENCING_LICENSE' });
  });

  it.each<Sku>(['OFFICE_365_E5', 'AUDIO_CONFERENCING'])('hands a Zone A dial-out of a %s organizer to the pool', (sku) => {
    expect(outcome(zoneAForeign, sku)).toEqual({ kind: 'fund', poolEligible: true, creditsLicensed: false, capability: 'MCOMEETADD' });
    expect(outcome(zoneAForeign, sku, 'COMMUNICATIONS_CREDITS')).toMatchObject({ kind: 'fund', poolEligible: true, creditsLicensed: true });
  });

  it('bills a non-Zone-A dial-out to credits, which needs the organizer’s credits licence', () => {
    expect(outcome(nonZoneA, 'OFFICE_365_E5')).toMatchObject({ kind: 'reject', reason: 'NO_COMMUNICATIONS_CREDITS_LICENSE' });
    expect(outcome(nonZoneA, 'OFFICE_365_E5', 'COMMUNICATIONS_CREDITS')).toEqual({
      kind: 'fund',
      poolEligible: false,
      creditsLicensed: true,
      capability: 'MCOMEETADD',
    });
  });

  it('never pools pay-per-minute conferencing and needs the credits licence for it', () => {
    expect(outcome(domesticUs, 'AUDIO_CONFERENCING_PPM')).toMatchObject({ kind: 'reject', reason: 'NO_COMMUNICATIONS_CREDITS_LICENSE' });
    expect(outcome(domesticUs, 'AUDIO_CONFERENCING_PPM', 'COMMUNICATIONS_CREDITS')).toEqual({
      kind: 'fund',
      poolEligible: false,
      creditsLicensed: true,
      capability: 'MCOMEETACPEA',
    });
  });

  it('lets Select Dial Out dial US and CA from the pool, and nothing else', () => {
    expect(outcome(domesticUs, 'AUDIO_CONFERENCING_SELECT_DIAL_OUT')).toMatchObject({ kind: 'fund', poolEligible: true });
    expect(outcome({ ...zoneAForeign, destinationCountry: 'CA' }, 'AUDIO_CONFERENCING_SELECT_DIAL_OUT')).toMatchObject({ kind: 'fund' });
    expect(outcome(zoneAForeign, 'AUDIO_CONFERENCING_SELECT_DIAL_OUT', 'COMMUNICATIONS_CREDITS')).toMatchObject({
      kind: 'reject',
      reason: 'NO_AUDIO_CONFERENCING_LICENSE',
    });
  });
});

describe('admission stage 2: which organizer draws on the pool (issue 11)', () => {
  const france = zoneAForeign;
  const canada: OutboundCall = { ...zoneAForeign, destinationCountry: 'CA' };

  it('given Select Dial Out and pay-per-minute conferencing, when the organizer dials France, then credits pay under the pay-per-minute licence, never the pool', () => {
    expect(outcome(france, 'AUDIO_CONFERENCING_SELECT_DIAL_OUT', 'AUDIO_CONFERENCING_PPM', 'COMMUNICATIONS_CREDITS')).toEqual({
      kind: 'fund',
      poolEligible: false,
      creditsLicensed: true,
      capability: 'MCOMEETACPEA',
    });
  });

  it('given Select Dial Out and pay-per-minute conferencing without the credits licence, when the organizer dials France, then the call is refused for the credits licence', () => {
    expect(outcome(france, 'AUDIO_CONFERENCING_SELECT_DIAL_OUT', 'AUDIO_CONFERENCING_PPM')).toMatchObject({
      kind: 'reject',
      reason: 'NO_COMMUNICATIONS_CREDITS_LICENSE',
    });
  });

  it('given Select Dial Out and pay-per-minute conferencing, when the organizer dials the US or Canada, then Select Dial Out draws on the pool', () => {
    for (const call of [domesticUs, canada]) {
      expect(outcome(call, 'AUDIO_CONFERENCING_SELECT_DIAL_OUT', 'AUDIO_CONFERENCING_PPM')).toEqual({
        kind: 'fund',
        poolEligible: true,
        creditsLicensed: false,
        capability: 'MCOMEETADD',
      });
    }
  });

  it('given only Select Dial Out, when the organizer dials France, then the call is refused as today', () => {
    expect(outcome(france, 'AUDIO_CONFERENCING_SELECT_DIAL_OUT')).toMatchObject({ kind: 'reject', reason: 'NO_AUDIO_CONFERENCING_LICENSE' });
  });

  it('given Select Dial Out and Audio Conferencing, when the organizer dials France, then Audio Conferencing draws on the pool', () => {
    expect(outcome(france, 'AUDIO_CONFERENCING_SELECT_DIAL_OUT', 'AUDIO_CONFERENCING')).toMatchObject({ kind: 'fund', poolEligible: true });
  });

  it('given pay-per-minute conferencing alone, when the organizer dials a Zone A country, then the pool is never drawn on', () => {
    for (const call of [france, domesticUs, canada]) {
      expect(outcome(call, 'AUDIO_CONFERENCING_PPM', 'COMMUNICATIONS_CREDITS')).toMatchObject({
        kind: 'fund',
        poolEligible: false,
        capability: 'MCOMEETACPEA',
      });
    }
  });

  it('given E5 and pay-per-minute conferencing, when the organizer dials France, then E5 draws on the pool (pay-per-minute neither gives nor takes it)', () => {
    expect(outcome(france, 'OFFICE_365_E5', 'AUDIO_CONFERENCING_PPM')).toMatchObject({ kind: 'fund', poolEligible: true, capability: 'MCOMEETADD' });
  });

  it('given Select Dial Out and E5, when the organizer dials outside Zone A, then credits pay under Audio Conferencing', () => {
    expect(outcome(nonZoneA, 'AUDIO_CONFERENCING_SELECT_DIAL_OUT', 'OFFICE_365_E5', 'COMMUNICATIONS_CREDITS')).toEqual({
      kind: 'fund',
      poolEligible: false,
      creditsLicensed: true,
      capability: 'MCOMEETADD',
    });
  });
});

describe('admission stage 2: a user’s PSTN call (user_out, the caller’s licences)', () => {
  it('admits emergency calls whatever the licences', () => {
    expect(outcome(emergency)).toEqual({ kind: 'admit', funding: 'free', capability: null });
  });

  it('needs Phone System and a calling plan', () => {
    expect(outcome(pstn(domesticUs), 'DOMESTIC_CALLING_PLAN')).toMatchObject({ kind: 'reject', reason: 'NO_PHONE_SYSTEM_LICENSE' });
    expect(outcome(pstn(domesticUs), 'PHONE_SYSTEM')).toMatchObject({ kind: 'reject', reason: 'NO_CALLING_PLAN' });
    expect(outcome(pstn(nonZoneA), 'OFFICE_365_E5', 'COMMUNICATIONS_CREDITS')).toMatchObject({ kind: 'reject', reason: 'NO_CALLING_PLAN' });
  });

  it('admits a domestic call under a domestic or international plan', () => {
    expect(outcome(pstn(domesticUs), 'PHONE_SYSTEM', 'DOMESTIC_CALLING_PLAN')).toEqual({ kind: 'admit', funding: 'calling-plan', capability: 'MCOPSTN1' });
    expect(outcome(pstn(domesticUs), 'OFFICE_365_E5', 'INTERNATIONAL_CALLING_PLAN')).toEqual({
      kind: 'admit',
      funding: 'calling-plan',
      capability: 'MCOPSTN2',
    });
  });

  it('does not guess whether a call is domestic when no usage location is known (a licensed caller always has one)', () => {
    expect(outcome({ ...pstn(domesticUs), domestic: null }, 'PHONE_SYSTEM', 'DOMESTIC_CALLING_PLAN')).toMatchObject({ kind: 'reject', reason: 'UNKNOWN_USER' });
    expect(outcome({ ...emergency, domestic: null })).toMatchObject({ kind: 'admit', funding: 'free' });
  });

  it('admits an international call under an international plan', () => {
    expect(outcome(pstn(nonZoneA), 'PHONE_SYSTEM', 'INTERNATIONAL_CALLING_PLAN')).toMatchObject({ kind: 'admit', funding: 'calling-plan' });
  });

  it('bills an international call on a domestic plan to credits, only with the credits licence', () => {
    expect(outcome(pstn(zoneAForeign), 'PHONE_SYSTEM', 'DOMESTIC_CALLING_PLAN')).toMatchObject({
      kind: 'reject',
      reason: 'NO_COMMUNICATIONS_CREDITS_LICENSE',
    });
    expect(outcome(pstn(zoneAForeign), 'PHONE_SYSTEM', 'DOMESTIC_CALLING_PLAN', 'COMMUNICATIONS_CREDITS')).toEqual({
      kind: 'fund',
      poolEligible: false,
      creditsLicensed: true,
      capability: 'MCOPSTNPP',
    });
  });
});
