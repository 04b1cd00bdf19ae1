/** An RFC 9457 problem as the services answer it (with their stable `code`). */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: unknown;
  [key: string]: unknown;
}

/** What the console says for an API answer that is not a success. */
export interface ReadableProblem {
  status: number;
  code: string | null;
  /** One sentence a person can act on. */
  message: string;
  /** Field by field, for a 400. */
  fields: string[];
  forbidden: boolean;
  unauthenticated: boolean;
}

const BY_STATUS: Record<number, string> = {
  400: 'The request was not accepted',
  401: 'Your sign-in is not valid any more: sign in again',
  403: 'You are not allowed to see or change this',
  404: 'Not found',
  409: 'Refused: it conflicts with the current state',
  412: 'Someone changed this meanwhile: reload and try again',
  422: 'Refused by a business rule',
  429: 'Too many requests: try again shortly',
  502: 'The service did not answer',
  503: 'The service is not ready',
};

function fieldsOf(errors: unknown): string[] {
  if (Array.isArray(errors)) {
    return errors.map((e) => {
      if (typeof e === 'string') return e;
      if (e && typeof e === 'object') {
        const o = e as Record<string, unknown>;
        const field = o['field'] ?? o['property'] ?? o['name'] ?? o['pointer'];
        const text =
          o['message'] ??
          o['detail'] ??
          o['reason'] ??
          (Array.isArray(o['constraints'])
            ? (o['constraints'] as unknown[]).join(', ')
            : o['constraints'] && typeof o['constraints'] === 'object'
              ? Object.values(o['constraints'] as object).join(', ')
              : undefined);
        return [field, text]
          .filter((x) => x !== undefined && x !== null)
          .map(String)
          .join(': ');
      }
      return String(e);
    });
  }
  if (errors && typeof errors === 'object') {
    return Object.entries(errors as Record<string, unknown>).map(([field, text]) => `${field}: ${Array.isArray(text) ? text.join(', ') : String(text)}`);
  }
  return [];
}

/** A readable message from a status and whatever body came (problem+json, other JSON, text, nothing). */
export function readableProblem(status: number, body: unknown): ReadableProblem {
  let problem: Problem | undefined;
  if (body && typeof body === 'object' && !Array.isArray(body)) problem = body as Problem;
  else if (typeof body === 'string' && body.trim().startsWith('{')) {
    try {
      problem = JSON.parse(body) as Problem;
    } catch {
      problem = undefined;
    }
  }
  const code = typeof problem?.code === 'string' ? problem.code : null;
  const fallback = BY_STATUS[status] ?? (status >= 500 ? 'The service failed' : `The request failed (HTTP ${status})`);
  const title = typeof problem?.title === 'string' && problem.title.trim() ? problem.title.trim() : fallback;
  const detail =
    typeof problem?.detail === 'string' && problem.detail.trim()
      ? problem.detail.trim()
      : typeof body === 'string' && !problem && body.trim() && body.length < 300
        ? body.trim()
        : '';
  const sentence = detail && detail.toLowerCase() !== title.toLowerCase() ? `${title}: ${detail}` : title;
  return {
    status,
    code,
    message: sentence,
    fields: fieldsOf(problem?.['errors'] ?? problem?.['invalidParams'] ?? problem?.['invalid-params']),
    forbidden: status === 403,
    unauthenticated: status === 401,
  };
}
