import sample from './toll-free-numbers.sample.json';

/**
 * The toll-free numbers the service stocks at start-up, per ISO country: SAMPLE DATA, plausible
 * numbers in fictional ranges (see the file's `$comment` and docs/toll-free.md), standing in
 * for a carrier's allocation.
 */
export const SAMPLE_INVENTORY: Readonly<Record<string, readonly string[]>> = sample.numbers;

/** The countries a number can be acquired in; any other is refused as bad input. */
export const TOLL_FREE_COUNTRIES: readonly string[] = Object.keys(SAMPLE_INVENTORY).sort();
