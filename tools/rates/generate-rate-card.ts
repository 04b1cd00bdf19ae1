/**
 * Generates the credit wallet's SAMPLE rate card (the first version, `rate-card.2026-11.json`)
 * and the coverage every published card is checked against (`rate-coverage.json`), from
 * libphonenumber's regions and the toll-free sample inventory. Deterministic: run it twice, get
 * the same files. See rate-card.generator.ts for how the figures are made.
 *
 *   npm run rates:generate            write the files
 *   npm run rates:generate -- --check exit 1 when the checked-in files differ from the output
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { coverageOf, generateRateCard, jsonFileText } from './rate-card.generator';
import { sampleInputs } from './sample-inputs';

export const RATES_DIR = join(__dirname, '../../libs/credit-wallet/src/lib/rates');
export const CARD_FILE = join(RATES_DIR, 'rate-card.2026-11.json');
export const COVERAGE_FILE = join(RATES_DIR, 'rate-coverage.json');

function main(): void {
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
  const inputs = sampleInputs();
  const files = [
    { path: CARD_FILE, text: jsonFileText(generateRateCard(inputs)) },
    { path: COVERAGE_FILE, text: jsonFileText(coverageOf(inputs)) },
  ];
  if (values.check) {
    const stale = files.filter((f) => readOrEmpty(f.path) !== f.text);
    for (const f of stale) process.stderr.write(`${f.path} is not what tools/rates/generate-rate-card.ts generates: run npm run rates:generate\n`);
    process.exitCode = stale.length > 0 ? 1 : 0;
    return;
  }
  for (const f of files) writeFileSync(f.path, f.text);
  process.stdout.write(`wrote ${files.map((f) => f.path).join(', ')}\n`);
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

if (require.main === module) main();
