import { NO_RESTATEMENT, RestatementProgress, learnRestatementPage } from './restatement';

const learn = (pages: { page: number; pages: number; edition: number }[], fromEdition = 2): RestatementProgress =>
  pages.reduce((progress, page) => learnRestatementPage(progress, page, fromEdition), NO_RESTATEMENT);

describe('a replica learning a paged restatement', () => {
  it('knows the facts once every page of an edition that counts is in', () => {
    expect(
      learn([
        { page: 1, pages: 3, edition: 2 },
        { page: 2, pages: 3, edition: 2 },
      ]).known,
    ).toBe(false);
    expect(learn([1, 2, 3].map((page) => ({ page, pages: 3, edition: 2 })))).toEqual({ edition: 2, learnedPages: [1, 2, 3], known: true });
  });

  it('never completes a restatement with a page of another edition', () => {
    expect(
      learn([
        { page: 1, pages: 2, edition: 2 },
        { page: 2, pages: 2, edition: 3 },
      ]).known,
    ).toBe(false);
  });

  it('learns an older edition without knowing the facts by it', () => {
    expect(learn([{ page: 1, pages: 1, edition: 1 }])).toEqual({ edition: 1, learnedPages: [1], known: false });
  });

  it('stays knowing while a newer restatement comes in', () => {
    expect(
      learn([
        { page: 1, pages: 1, edition: 2 },
        { page: 1, pages: 2, edition: 3 },
      ]).known,
    ).toBe(true);
  });
});
