import { BooksModel } from './model';

/** What the cases that passed exercised (printed at the end, so a green run shows it tested something). */
export class Coverage {
  readonly counts = new Map<string, number>();

  add(model: BooksModel): void {
    const count = (key: string) => this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    count('cases');
    for (const id of model.callIds) {
      const call = model.call(id)!;
      const d = call.decision;
      count(
        d.type === 'CallRejected'
          ? `rejected ${d.reason}`
          : d.split
            ? 'admitted pool + credits (split)'
            : `admitted ${d.funding}${d.funding === 'pool' && d.maxDurationSeconds < model.settings.maxGrantMinutes * 60 ? ' (partial)' : ''}`,
      );
      if (call.settlement && d.type === 'CallAdmitted') {
        if (call.settlement.seconds > call.settlement.billedSeconds) count('settled beyond the grant (capped)');
        if (call.settlement.seconds === 0) count('settled at 0 s');
        if (d.split && call.settlement.creditMinutes > 0) count('continuation charged');
      }
      if (!call.settlement && d.type === 'CallAdmitted') count('still in progress at the end');
    }
    const books = model.books();
    if (books.recharges > 0) count('cases with auto-recharges');
    if (books.owedCents > 0n) count('cases ending owed');
    if (books.availableMinutes === 0 && books.capacityMinutes > 0) count('cases ending with the pool fully used or reserved');
  }

  toString(): string {
    return [...this.counts].map(([key, n]) => `${key}: ${n}`).join(' · ');
  }
}
