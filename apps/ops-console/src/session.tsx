import { Session, sessionFromToken } from '@comms-credits/ops-console-model';
import { useQueryClient } from '@tanstack/react-query';
import { ReactNode, createContext, useCallback, useContext, useMemo, useState } from 'react';

const STORAGE_KEY = 'ops-console.token';

interface SessionState {
  session: Session | null;
  /** A readable reason when the token is refused. */
  signIn(token: string): string | null;
  signOut(reason?: string): void;
  /** Why the last session ended (expired, refused), for the sign-in page. */
  endedBecause: string | null;
}

const SessionContext = createContext<SessionState | null>(null);

function stored(): Session | null {
  const token = sessionStorage.getItem(STORAGE_KEY);
  if (!token) return null;
  const result = sessionFromToken(token);
  return result.ok ? result.session : null;
}

/** The signed-in user: the token lives in this tab's sessionStorage only (gone when the tab closes). */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(stored);
  const [endedBecause, setEndedBecause] = useState<string | null>(null);
  const queryClient = useQueryClient();

  const signIn = useCallback(
    (token: string) => {
      const result = sessionFromToken(token);
      if (!result.ok) return result.error;
      sessionStorage.setItem(STORAGE_KEY, result.session.token);
      queryClient.clear();
      setEndedBecause(null);
      setSession(result.session);
      return null;
    },
    [queryClient],
  );

  const signOut = useCallback(
    (reason?: string) => {
      sessionStorage.removeItem(STORAGE_KEY);
      queryClient.clear();
      setEndedBecause(reason ?? null);
      setSession(null);
    },
    [queryClient],
  );

  const value = useMemo(() => ({ session, signIn, signOut, endedBecause }), [session, signIn, signOut, endedBecause]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}

/** The session of a page that is only shown when signed in. */
export function useSignedIn(): Session {
  const { session } = useSession();
  if (!session) throw new Error('not signed in');
  return session;
}
