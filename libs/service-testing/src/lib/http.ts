import { withDefaultToken } from './test-auth';

/**
 * A JSON HTTP call to a service under test; returns status and body whatever the status.
 * Sends an operator token unless `headers` has an `authorization` (`ANONYMOUS`: none at all;
 * `await asRole({...})`: another role's).
 */
export async function http<T = Record<string, unknown>>(
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T; contentType: string | null; headers: Record<string, string> }> {
  const response = await fetch(url, {
    method,
    headers: await withDefaultToken({ ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text ? parseOrText(text) : undefined) as T,
    contentType: response.headers.get('content-type'),
    headers: Object.fromEntries(response.headers.entries()),
  };
}

/** JSON bodies parsed; anything else (Prometheus text, HTML) as the text. */
function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
