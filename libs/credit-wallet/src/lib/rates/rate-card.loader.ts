import { readFileSync } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { Rate, RateCard } from '../domain/rate-card';
import bundled from './rate-card.2026-11.json';
import { RateCardSchema } from './rate-card.schema';

/** The rate card in force, shipped with the service. A new version is a new file, named by it. */
export const BUNDLED_RATE_CARD = 'rate-card.2026-11.json';

export class RateCardError extends Error {
  override readonly name = 'RateCardError';
}

/** Reads and checks the rate card: the bundled one, or the file `WALLET_RATE_CARD` names. */
export function loadRateCard(path?: string): RateCard {
  if (!path) return validateRateCard(bundled, `${BUNDLED_RATE_CARD} (bundled)`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new RateCardError(`rate card ${path} cannot be read: ${(error as Error).message}`);
  }
  return validateRateCard(raw, path);
}

/**
 * Checks a rate card with class-validator (unknown fields too, so a misspelt one is caught)
 * and that each list names a country once. A bad card throws with every problem listed: the
 * service does not start on prices it cannot trust.
 */
export function validateRateCard(raw: unknown, source: string): RateCard {
  const card = plainToInstance(RateCardSchema, raw);
  const problems = validateSync(card, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }).flatMap((e) => describe(e, ''));
  if (problems.length === 0) problems.push(...duplicates('dialOut', card.dialOut), ...duplicates('tollFreeInbound', card.tollFreeInbound));
  if (problems.length > 0) throw new RateCardError(`rate card ${source} is invalid:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return {
    version: card.version,
    currency: card.currency,
    effectiveFrom: card.effectiveFrom,
    increment: { first: card.increment.first, next: card.increment.next },
    dialOut: card.dialOut.map(rateOf),
    tollFreeInbound: card.tollFreeInbound.map(rateOf),
  };
}

const rateOf = ({ country, perMinute, connectionFee }: Rate): Rate => ({ country, perMinute, connectionFee });

function describe(error: ValidationError, parent: string): string[] {
  const path = parent ? `${parent}.${error.property}` : error.property;
  const own = Object.values(error.constraints ?? {}).map((reason) => `${path}: ${reason}`);
  return [...own, ...(error.children ?? []).flatMap((child) => describe(child, path))];
}

function duplicates(list: string, rates: Rate[]): string[] {
  const seen = new Set<string>();
  return rates.filter((r) => seen.size === seen.add(r.country).size).map((r) => `${list}: ${r.country} has more than one rate`);
}
