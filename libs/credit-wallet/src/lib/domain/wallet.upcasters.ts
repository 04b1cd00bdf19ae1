import { WalletEvent } from './wallet.events';

/** The grace a hold placed before holds had a due time gets (the default of `WALLET_SETTLEMENT_GRACE_MINUTES`). */
export const LEGACY_HOLD_GRACE_MINUTES = 15;

/**
 * A stored wallet event in today's shape (an upcaster: events are never rewritten). A
 * `HoldPlaced` of the first version has no `dueBy`; it gets the one it would have had — its
 * time + its grant + the default grace — so a hold whose CallEnded was lost before the upgrade
 * is released too instead of being held forever.
 */
export function upcastWalletEvent(event: WalletEvent, occurredAt: Date): WalletEvent {
  if (event.type === 'HoldPlaced' && event.data.dueBy === undefined) {
    const dueBy = new Date(occurredAt.getTime() + (event.data.maxDurationSeconds + LEGACY_HOLD_GRACE_MINUTES * 60) * 1000).toISOString();
    return { ...event, data: { ...event.data, dueBy } };
  }
  return event;
}
