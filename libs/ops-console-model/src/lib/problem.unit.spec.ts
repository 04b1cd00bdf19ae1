import { readableProblem } from './problem';

describe('problems as readable messages', () => {
  it('uses the title, the detail and the fields of problem+json', () => {
    const p = readableProblem(400, {
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      code: 'VALIDATION_FAILED',
      detail: 'triggerAmount.amount must be a decimal',
      errors: [{ field: 'triggerAmount.amount', message: 'must be a decimal string' }],
    });
    expect(p).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
      message: 'Bad Request: triggerAmount.amount must be a decimal',
      fields: ['triggerAmount.amount: must be a decimal string'],
      forbidden: false,
      unauthenticated: false,
    });
  });

  it('reads field errors given as an object', () => {
    expect(readableProblem(400, { title: 'Invalid', errors: { seats: ['must be ≥ 0'] } }).fields).toEqual(['seats: must be ≥ 0']);
  });

  it('says forbidden and unauthenticated plainly', () => {
    expect(readableProblem(403, { title: 'Forbidden', code: 'AUTH.FORBIDDEN', detail: 'the token does not allow this request' })).toMatchObject({
      forbidden: true,
      message: 'Forbidden: the token does not allow this request',
    });
    expect(readableProblem(401, undefined)).toMatchObject({ unauthenticated: true, message: 'Your sign-in is not valid any more: sign in again', code: null });
  });

  it('copes with bodies that are not problems', () => {
    expect(readableProblem(502, 'upstream down').message).toBe('The service did not answer: upstream down');
    expect(readableProblem(500, '<html>…</html>'.repeat(50)).message).toBe('The service failed');
    expect(readableProblem(409, '{"title":"Conflict","code":"TOLL_FREE_QUOTA_REACHED","detail":"5 of 5 numbers held"}')).toMatchObject({
      code: 'TOLL_FREE_QUOTA_REACHED',
      message: 'Conflict: 5 of 5 numbers held',
    });
    expect(readableProblem(418, null).message).toBe('The request failed (HTTP 418)');
  });
});
