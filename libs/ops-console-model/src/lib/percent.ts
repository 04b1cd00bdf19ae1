/**
 * Percentages of whole numbers (pool minutes) computed with integers: the text never shows a
 * float artefact and 599 of 600 is "99.8 %", never a rounded-up "100 %".
 */

/** Per-mille of part over whole, rounded down (so a pool is only "100 %" when it is used up); null when whole ≤ 0. */
export function perMille(part: number, whole: number): number | null {
  if (!Number.isFinite(whole) || whole <= 0) return null;
  return Math.floor((Math.max(0, part) * 1000) / whole);
}

/** "63.5 %" (one decimal, rounded down), "—" without a whole. */
export function formatPercent(part: number, whole: number): string {
  const pm = perMille(part, whole);
  if (pm === null) return '—';
  const text = pm % 10 === 0 ? String(pm / 10) : `${Math.floor(pm / 10)}.${pm % 10}`;
  return `${text} %`;
}

export interface PoolFigures {
  month: string;
  capacityMinutes: number;
  usedMinutes: number;
  reservedMinutes?: number;
  availableMinutes: number;
}

export type PoolLevel = 'ok' | 'warning' | 'exhausted' | 'none';

export interface PoolGauge {
  month: string;
  capacity: number;
  used: number;
  reserved: number;
  available: number;
  /** Minutes at the 80 % and 100 % marks (design: admins are notified there). */
  marks: { label: string; minutes: number }[];
  usedText: string;
  level: PoolLevel;
}

/** What the pool gauge draws: the three parts, the marks at 80 % and 100 %, and a level for colour. */
export function poolGauge(pool: PoolFigures): PoolGauge {
  const capacity = pool.capacityMinutes;
  const used = pool.usedMinutes;
  const reserved = pool.reservedMinutes ?? 0;
  const pm = perMille(used, capacity);
  const level: PoolLevel = pm === null ? 'none' : pm >= 1000 ? 'exhausted' : pm >= 800 ? 'warning' : 'ok';
  return {
    month: pool.month,
    capacity,
    used,
    reserved,
    available: pool.availableMinutes,
    // 80 % of the capacity, in whole minutes (integer arithmetic: 80 % of 115 × 60 is 5520)
    marks:
      capacity > 0
        ? [
            { label: '80 %', minutes: Math.floor((capacity * 80) / 100) },
            { label: '100 %', minutes: capacity },
          ]
        : [],
    usedText: formatPercent(used, capacity),
    level,
  };
}
