import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * SSRF stance (docs/reporting.md): a tenant chooses the URL, the service makes the request, so
 * by default a webhook may only reach https on public addresses. Private (RFC 1918, CGNAT),
 * loopback, link-local (cloud metadata at 169.254.169.254), unique-local and unspecified
 * addresses are refused when the endpoint is saved and again, after resolving the name, before
 * every attempt (a name can be re-pointed after it was checked). Development and tests allow
 * them (`REPORTING_WEBHOOK_ALLOW_PRIVATE=true`), and plain http with them.
 */
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv6');
}

/** Whether an IP address is one a webhook must not reach in production. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return BLOCKED.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return BLOCKED.check(mapped[1]!, 'ipv4');
    return BLOCKED.check(address, 'ipv6');
  }
  return true;
}

export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

/** Checks a webhook URL as saved: scheme, no credentials, and (production) no private address literal or localhost. */
export function checkWebhookUrl(raw: string, allowPrivate: boolean): UrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'url must be an absolute http(s) URL' };
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) {
    return { ok: false, reason: allowPrivate ? 'url must use http or https' : 'url must use https' };
  }
  if (url.username || url.password) return { ok: false, reason: 'url must not carry credentials' };
  if (url.hash) return { ok: false, reason: 'url must not have a fragment' };
  if (!allowPrivate) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal'))
      return { ok: false, reason: 'url must not point at this host or an internal name' };
    if (isIP(host) && isPrivateAddress(host)) return { ok: false, reason: 'url must not point at a private, loopback or link-local address' };
  }
  return { ok: true, url };
}

/** Before an attempt: every address the name resolves to must be public (unless private ones are allowed). */
export async function checkResolvedAddresses(url: URL, allowPrivate: boolean): Promise<string | null> {
  if (allowPrivate) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  const blocked = addresses.find(isPrivateAddress);
  return blocked ? `${host} resolves to ${blocked}, a private address` : null;
}
