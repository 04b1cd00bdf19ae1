import { MantineProvider } from '@mantine/core';
import { readableProblem } from '@comms-credits/ops-console-model';
import { renderToStaticMarkup } from 'react-dom/server';
import { ApiError } from '../api';
import { ProblemAlert } from './problem-alert';

const render = (error: unknown) =>
  renderToStaticMarkup(
    <MantineProvider>
      <ProblemAlert error={error} title="Auto-recharge not changed" />
    </MantineProvider>,
  ).replace(/<style[^>]*>[\s\S]*?<\/style>/g, ''); // Mantine's global styles

describe('ProblemAlert', () => {
  it('shows a problem as a sentence with its fields and code, never as JSON', () => {
    const html = render(
      new ApiError(
        readableProblem(400, {
          title: 'Bad Request',
          code: 'VALIDATION_FAILED',
          detail: 'the request is invalid',
          errors: [{ field: 'triggerAmount.amount', message: 'must be a decimal string' }],
        }),
        'credit-wallet',
      ),
    );
    expect(html).toContain('Auto-recharge not changed');
    expect(html).toContain('Bad Request: the request is invalid');
    expect(html).toContain('triggerAmount.amount: must be a decimal string');
    expect(html).toContain('code VALIDATION_FAILED · credit-wallet');
    expect(html).not.toMatch(/[{}]|&quot;/);
  });

  it('says forbidden for a 403, and nothing without an error', () => {
    expect(render(new ApiError(readableProblem(403, { code: 'AUTH.FORBIDDEN' }), 'licensing'))).toContain('Forbidden');
    expect(render(null)).toBe('');
  });
});
