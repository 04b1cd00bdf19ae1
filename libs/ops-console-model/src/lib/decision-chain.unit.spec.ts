import { decisionChain } from './decision-chain';

const call = (over: Partial<Parameters<typeof decisionChain>[0]>) => ({
  callType: 'conf_out',
  decision: 'admitted' as const,
  reason: null,
  funding: 'pool',
  charge: '0.00',
  poolMinutes: 5,
  ...over,
});
const outcomes = (c: Parameters<typeof decisionChain>[0]) => decisionChain(c).map((s) => `${s.stage}:${s.outcome}`);

describe('the decision chain of a call', () => {
  it('a pool call is decided by the pool; the wallet is not needed', () => {
    expect(outcomes(call({}))).toEqual(['dialout-policy:passed', 'licensing:passed', 'pool-ledger:admitted', 'credit-wallet:not-reached']);
  });

  it('a pool call that continued on credits is decided by the wallet', () => {
    const chain = decisionChain(call({ charge: '1.26', poolMinutes: 30 }));
    expect(chain.map((s) => s.outcome)).toEqual(['passed', 'passed', 'passed', 'admitted']);
    expect(chain[3]!.text).toBe('admitted: pool (pool 30 min, the rest on credits)');
  });

  it('rejections are placed at the stage that owns the reason', () => {
    expect(outcomes(call({ decision: 'rejected', reason: 'DIALOUT_POLICY_BLOCKED', funding: null }))).toEqual([
      'dialout-policy:rejected',
      'licensing:not-reached',
      'pool-ledger:not-reached',
      'credit-wallet:not-reached',
    ]);
    expect(outcomes(call({ decision: 'rejected', reason: 'NO_CALLING_PLAN', funding: null, callType: 'user_out' }))[1]).toBe('licensing:rejected');
    expect(outcomes(call({ decision: 'rejected', reason: 'INSUFFICIENT_CREDITS', funding: null }))[3]).toBe('credit-wallet:rejected');
    expect(outcomes(call({ callType: 'ucap_in', decision: 'rejected', reason: 'TOLL_FREE_NUMBER_SUSPENDED', funding: null }))).toEqual([
      'toll-free:rejected',
      'credit-wallet:not-reached',
    ]);
  });

  it('calling plans at licensing, inbound free at toll-free, credits at the wallet, undecided as pending', () => {
    expect(outcomes(call({ callType: 'user_out', funding: 'calling-plan' }))[1]).toBe('licensing:admitted');
    expect(outcomes(call({ callType: 'user_in', funding: 'free' }))).toEqual(['toll-free:admitted', 'credit-wallet:not-reached']);
    expect(outcomes(call({ callType: 'conf_in', funding: 'credits' }))).toEqual(['toll-free:passed', 'credit-wallet:admitted']);
    expect(decisionChain(call({ decision: null, funding: null })).every((s) => s.outcome === 'pending')).toBe(true);
  });
});
