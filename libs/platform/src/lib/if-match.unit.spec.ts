import { VersionConflictError } from '@comms-credits/event-store';
import { etagOf, ifMatched, parseIfMatch } from './if-match';
import { ProblemException } from './problem';

describe('If-Match and ETag', () => {
  it('round-trips a version through an ETag, strong or weak', () => {
    expect(parseIfMatch(etagOf(7))).toBe(7);
    expect(parseIfMatch('W/"7"')).toBe(7);
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch('*')).toBeUndefined();
  });

  it('refuses a malformed If-Match with a 400 naming the header', () => {
    expect(() => parseIfMatch('7')).toThrow(ProblemException);
    try {
      parseIfMatch('yesterday');
    } catch (error) {
      expect((error as ProblemException).getStatus()).toBe(400);
      expect((error as ProblemException).extensions['invalidParams']).toEqual([expect.objectContaining({ name: 'If-Match' })]);
    }
  });

  it('turns a version conflict into 412 only when the client asked for a version', async () => {
    const conflict = () => Promise.reject(new VersionConflictError(['user:t:u'], '3'));
    await expect(ifMatched(3, conflict)).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
    await expect(ifMatched(undefined, conflict)).rejects.toBeInstanceOf(VersionConflictError);
    await expect(ifMatched(3, async () => 'done')).resolves.toBe('done');
  });
});
