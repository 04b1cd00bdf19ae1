import { RateCoverage } from '../domain/rate-card.publication';
import coverage from './rate-coverage.json';

/**
 * What every rate card must price, generated with the sample card (`npm run rates:generate`):
 * every region libphonenumber knows for dial-out, every stocked country for toll-free inbound.
 */
export const RATE_COVERAGE: RateCoverage = { dialOut: coverage.dialOut, tollFreeInbound: coverage.tollFreeInbound };
