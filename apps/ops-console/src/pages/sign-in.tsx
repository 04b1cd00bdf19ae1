import { Alert, Button, Center, Code, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { homeOf } from '@comms-credits/ops-console-model';
import { useEffect, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { useSession } from '../session';

/**
 * Sign in with a bearer token (from the identity provider, or `npm run -s token -- --role …`).
 * The development link `npm start` prints carries the token in the fragment
 * (`/sign-in#token=…`), which browsers never send to a server; it is read once and removed.
 */
export function SignInPage() {
  const { session, signIn, endedBecause } = useSession();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = params.get('next');

  useEffect(() => {
    const fragment = new URLSearchParams(window.location.hash.slice(1));
    const fromLink = fragment.get('token');
    if (!fromLink) return;
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    const refused = signIn(fromLink);
    if (refused) setError(refused);
  }, [signIn]);

  if (session) return <Navigate to={next && next.startsWith('/') && !next.startsWith('//') ? next : homeOf(session)} replace />;

  return (
    <Center mih="100vh" bg="gray.0">
      <Paper withBorder shadow="sm" p="xl" w={560}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const refused = signIn(token);
            setError(refused);
            if (!refused) navigate('/', { replace: true });
          }}
        >
          <Stack>
            <Title order={3}>Sign in to the ops console</Title>
            {endedBecause ? (
              <Alert color="orange" data-testid="session-ended">
                {endedBecause}
              </Alert>
            ) : null}
            <Text size="sm">
              Paste a bearer token of your identity provider. On a development stack: <Code>npm run -s token -- --role operator</Code> (or{' '}
              <Code>--role tenant-admin --tenant contoso</Code>).
            </Text>
            <Textarea
              label="Bearer token"
              autosize
              minRows={4}
              value={token}
              onChange={(e) => setToken(e.currentTarget.value)}
              data-testid="token-input"
              spellCheck={false}
            />
            {error ? (
              <Alert color="red" role="alert" data-testid="sign-in-error">
                {error}
              </Alert>
            ) : null}
            <Button type="submit" disabled={!token.trim()}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
