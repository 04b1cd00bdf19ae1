/**
 * The wire formats every event shares (design.md): identifiers, instants, months, phone
 * numbers and countries. Declared here once; events and request DTOs use these.
 */

/** An opaque id (user, call, meeting, target): 1-128 characters without whitespace. */
export const OPAQUE_ID = /^[^\s]{1,128}$/;

/** Tenant ids are opaque, URL-safe identifiers. */
export const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** ISO-8601 instant in UTC with a `Z` suffix, e.g. `2026-11-24T10:00:00.000Z`. */
export const UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** A month in UTC, `YYYY-MM` (see `monthOf`). */
export const YEAR_MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The month (UTC, `YYYY-MM`) an instant falls in. */
export function monthOf(instant: string | Date): string {
  const iso = typeof instant === 'string' ? new Date(instant).toISOString() : instant.toISOString();
  return iso.slice(0, 7);
}

/** E.164: `+` and up to 15 digits, no leading zero in the country code. */
export const E164 = /^\+[1-9]\d{1,14}$/;
/** The one exception to E.164: an emergency short code as dialled (`112`, `911`, `999`, …). */
export const SHORT_CODE = /^\d{2,6}$/;

/** ISO 3166-1 alpha-2, upper case. */
export const ISO_COUNTRY = /^[A-Z]{2}$/;
