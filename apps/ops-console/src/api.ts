import { ReadableProblem, readableProblem } from '@comms-credits/ops-console-model';
import { UseQueryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSession } from './session';

/** How often live pages ask again (ms). */
export const LIVE_MS = (typeof window === 'undefined' ? 0 : Number(new URLSearchParams(window.location.search).get('refreshMs'))) || 5000;

export type Service = 'licensing' | 'dialout-policy' | 'pool-ledger' | 'credit-wallet' | 'toll-free' | 'reporting';

/** An answer that is not a success, already readable. */
export class ApiError extends Error {
  constructor(
    readonly problem: ReadableProblem,
    readonly service: Service,
  ) {
    super(problem.message);
  }
}

export interface CallOptions {
  method?: 'GET' | 'PUT' | 'POST' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  /** Return the raw Response (CSV downloads). */
  raw?: boolean;
}

/** One call to a service through the console server (`/api/<service>/…`), with the user's token. */
export async function call<T>(token: string | null, service: Service, path: string, options: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (token) headers['authorization'] = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`/api/${service}${path}`, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch (error) {
    throw new ApiError(readableProblem(0, `the console server did not answer (${(error as Error).message})`), service);
  }
  if (!response.ok) {
    const text = await response.text();
    throw new ApiError(readableProblem(response.status, text), service);
  }
  if (options.raw) return response as unknown as T;
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  return (type.includes('json') ? await response.json() : await response.text()) as T;
}

/** `call` with the signed-in user's token; a 401 signs them out with the reason. */
export function useCall() {
  const { session, signOut } = useSession();
  return async <T>(service: Service, path: string, options?: CallOptions): Promise<T> => {
    try {
      return await call<T>(session?.token ?? null, service, path, options);
    } catch (error) {
      if (error instanceof ApiError && error.problem.unauthenticated) signOut(error.problem.message);
      throw error;
    }
  };
}

/** A live read: asked again every LIVE_MS while the page is open. */
export function useLive<T>(service: Service, path: string | null, options: Partial<UseQueryOptions<T, ApiError>> = {}) {
  const run = useCall();
  return useQuery<T, ApiError>({
    queryKey: [service, path],
    queryFn: () => run<T>(service, path!),
    enabled: path !== null,
    refetchInterval: LIVE_MS,
    ...options,
  });
}

/** A change; on success the service's reads are asked again at once. */
export function useChange<V>(service: Service, request: (v: V) => { path: string } & CallOptions, alsoRefresh: Service[] = []) {
  const run = useCall();
  const client = useQueryClient();
  return useMutation<unknown, ApiError, V>({
    mutationFn: (v: V) => {
      const { path, ...options } = request(v);
      return run(service, path, options);
    },
    onSuccess: () => {
      for (const s of [service, ...alsoRefresh]) void client.invalidateQueries({ queryKey: [s] });
    },
  });
}

/** A fresh Idempotency-Key for one change a person asked for (a retry of the same click reuses it). */
export function idempotencyKey(): string {
  return crypto.randomUUID();
}

export const tenantPath = (tenant: string, rest = '') => `/tenants/${encodeURIComponent(tenant)}${rest}`;
