/**
 * A replica's progress through a paged restatement of its owner's facts (the owner states them
 * once, in pages appended together and so published in order: page 1 begins one, of one
 * edition). The replica knows the facts once every page of an edition that counts is in, and
 * stays knowing: the changes published after a restatement follow it.
 */
export interface RestatementProgress {
  /** The restatement in progress (one per edition), and its pages learned so far. */
  edition: number | null;
  learnedPages: readonly number[];
  known: boolean;
}

export interface RestatementPage {
  page: number;
  pages: number;
  edition: number;
}

export const NO_RESTATEMENT: RestatementProgress = { edition: null, learnedPages: [], known: false };

/**
 * The progress once `page` is learned. `fromEdition`: the first edition that makes the facts
 * known (an older one was made for other readers, and is learned without).
 */
export function learnRestatementPage(progress: RestatementProgress, page: RestatementPage, fromEdition: number): RestatementProgress {
  const learnedPages = page.page === 1 || page.edition !== progress.edition ? [page.page] : [...progress.learnedPages, page.page];
  const everyPage = Array.from({ length: page.pages }, (_, i) => i + 1).every((p) => learnedPages.includes(p));
  return { edition: page.edition, learnedPages, known: progress.known || (everyPage && page.edition >= fromEdition) };
}
