/**
 * Where keyboard focus goes home to: the queue. After a form, the palette or the help, focus
 * returns here so the next j/k works at once.
 */
export const QUEUE_LIST_ID = 'queue-list';
export const CASE_VIEW_ID = 'case-view';

/**
 * Focuses the element once it can take focus: the dialog that covered it may still be
 * closing (the page behind a dialog is `inert` until React has committed), so try for a few
 * frames rather than once.
 */
export function focusById(id: string, framesLeft = 10): void {
  requestAnimationFrame(() => {
    const el = document.getElementById(id);
    el?.focus({ preventScroll: true });
    if (document.activeElement !== el && framesLeft > 0) focusById(id, framesLeft - 1);
  });
}

export const focusQueue = () => focusById(QUEUE_LIST_ID);
export const focusCaseView = () => focusById(CASE_VIEW_ID);
