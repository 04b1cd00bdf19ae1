import { createHash } from 'node:crypto';

/**
 * A UUID (version 5 layout) named by its parts: the same parts always give the same id, so a
 * decider stays pure and a repeated command can never mint a second lot or recharge.
 */
export function nameId(...parts: string[]): string {
  const hex = createHash('sha1').update(parts.join('\u0000')).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
