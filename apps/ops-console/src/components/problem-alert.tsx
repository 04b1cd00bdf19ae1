import { Alert, List, Text } from '@mantine/core';
import type { ReadableProblem } from '@comms-credits/ops-console-model';
import { ApiError } from '../api';

/** An API error as a person reads it: what was refused and why, the stable code, the fields at fault. */
export function ProblemAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const problem: ReadableProblem | null = error instanceof ApiError ? error.problem : null;
  if (problem?.forbidden) return <Forbidden />;
  const message = problem?.message ?? (error as Error).message ?? String(error);
  return (
    <Alert color="red" title={title ?? 'Something went wrong'} role="alert" data-testid="problem">
      <Text size="sm">{message}</Text>
      {problem?.fields.length ? (
        <List size="sm" mt="xs">
          {problem.fields.map((f) => (
            <List.Item key={f}>{f}</List.Item>
          ))}
        </List>
      ) : null}
      {problem?.code ? (
        <Text size="xs" c="dimmed" mt="xs">
          code {problem.code}
          {error instanceof ApiError ? ` · ${error.service}` : ''}
        </Text>
      ) : null}
    </Alert>
  );
}

/** What a page says when the signed-in user may not see it. */
export function Forbidden({ what }: { what?: string }) {
  return (
    <Alert color="orange" title="Forbidden" role="alert" data-testid="forbidden">
      <Text size="sm">
        You are signed in, but your sign-in does not allow you to see {what ?? 'this page'}. Ask a platform operator or your tenant’s admin for access.
      </Text>
    </Alert>
  );
}
