/**
 * The dial-out policies a tenant can grant, as data (domain.md, "Dial-out policies"; the
 * names and meanings are Microsoft's, see
 * https://learn.microsoft.com/en-us/microsoftteams/outbound-calling-restriction-policies).
 *
 * Each policy sets two controls: CPC for dial-out from meetings the user organizes, PSTN for
 * the user's own outbound calls. The policies are fixed: tenants grant them, never define them.
 */

/**
 * Where meeting dial-out may go. `Any` is domain.md's "Any" (Microsoft's "International"):
 * domestic and international numbers alike.
 */
export type CpcControl = 'Any' | 'Domestic' | 'ZoneA' | 'Disabled';

/** Where the user's own calls may go. Emergency numbers are always allowed, even `Disabled`. */
export type PstnControl = 'International' | 'Domestic' | 'Disabled';

export interface PolicyDefinition {
  readonly name: DialoutPolicyName;
  readonly cpc: CpcControl;
  readonly pstn: PstnControl;
  readonly description: string;
}

export const DIALOUT_POLICY_NAMES = [
  'DialoutCPCandPSTNInternational',
  'DialoutCPCDomesticPSTNInternational',
  'DialoutCPCDisabledPSTNInternational',
  'DialoutCPCInternationalPSTNDomestic',
  'DialoutCPCInternationalPSTNDisabled',
  'DialoutCPCandPSTNDomestic',
  'DialoutCPCDomesticPSTNDisabled',
  'DialoutCPCDisabledPSTNDomestic',
  'DialoutCPCandPSTNDisabled',
  'DialoutCPCZoneAPSTNInternational',
  'DialoutCPCZoneAPSTNDomestic',
  'DialoutCPCZoneAPSTNDisabled',
] as const;
export type DialoutPolicyName = (typeof DIALOUT_POLICY_NAMES)[number];

const CPC_TEXT: Record<CpcControl, string> = {
  Any: 'Meetings this user organizes can dial out to domestic and international numbers',
  Domestic: "Meetings this user organizes can dial out only to numbers in the organizer's country",
  ZoneA: 'Meetings this user organizes can dial out only to Zone A countries and regions',
  Disabled: "Meetings this user organizes can't dial out",
};

const PSTN_TEXT: Record<PstnControl, string> = {
  International: 'the user can call domestic and international numbers',
  Domestic: "the user can call only numbers in the user's own country (and emergency numbers)",
  Disabled: 'the user can call emergency numbers only',
};

function policy(name: DialoutPolicyName, cpc: CpcControl, pstn: PstnControl): PolicyDefinition {
  return Object.freeze({ name, cpc, pstn, description: `${CPC_TEXT[cpc]}; ${PSTN_TEXT[pstn]}.` });
}

/** The 12 policies, in domain.md's order. */
export const DIALOUT_POLICIES: readonly PolicyDefinition[] = Object.freeze([
  policy('DialoutCPCandPSTNInternational', 'Any', 'International'),
  policy('DialoutCPCDomesticPSTNInternational', 'Domestic', 'International'),
  policy('DialoutCPCDisabledPSTNInternational', 'Disabled', 'International'),
  policy('DialoutCPCInternationalPSTNDomestic', 'Any', 'Domestic'),
  policy('DialoutCPCInternationalPSTNDisabled', 'Any', 'Disabled'),
  policy('DialoutCPCandPSTNDomestic', 'Domestic', 'Domestic'),
  policy('DialoutCPCDomesticPSTNDisabled', 'Domestic', 'Disabled'),
  policy('DialoutCPCDisabledPSTNDomestic', 'Disabled', 'Domestic'),
  policy('DialoutCPCandPSTNDisabled', 'Disabled', 'Disabled'),
  policy('DialoutCPCZoneAPSTNInternational', 'ZoneA', 'International'),
  policy('DialoutCPCZoneAPSTNDomestic', 'ZoneA', 'Domestic'),
  policy('DialoutCPCZoneAPSTNDisabled', 'ZoneA', 'Disabled'),
]);

/** What a tenant's Global policy is until an admin grants another (domain.md). */
export const DEFAULT_GLOBAL_POLICY: DialoutPolicyName = 'DialoutCPCandPSTNInternational';

const byName: ReadonlyMap<string, PolicyDefinition> = new Map(DIALOUT_POLICIES.map((p) => [p.name, p]));

/** The policy of that exact name (names are case-sensitive, as Microsoft writes them). */
export function findPolicy(name: string): PolicyDefinition | undefined {
  return byName.get(name);
}

export function isDialoutPolicyName(name: string): name is DialoutPolicyName {
  return byName.has(name);
}

/** The definition of a catalogue name (a `DialoutPolicyName` always has one). */
export function policyNamed(name: DialoutPolicyName): PolicyDefinition {
  return byName.get(name)!;
}
