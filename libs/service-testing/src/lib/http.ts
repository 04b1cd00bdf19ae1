/** A JSON HTTP call to a service under test; returns status and body whatever the status. */
export async function http<T = Record<string, unknown>>(
  method: 'GET' | 'PUT' | 'POST' | 'DELETE',
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T; contentType: string | null; headers: Record<string, string> }> {
  const response = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : undefined) as T,
    contentType: response.headers.get('content-type'),
    headers: Object.fromEntries(response.headers.entries()),
  };
}
