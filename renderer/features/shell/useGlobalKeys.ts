/** The window-wide key handler: turns key presses into intents (keymap.ts) and carries them out. */
import { useEffect } from 'react';
import { useStore } from 'react-redux';
import { useAppDispatch } from '../../app/hooks';
import type { RootState } from '../../app/store';
import { jumpToNewest, moveCursor, moveCursorTo } from '../queue/navigation';
import { overdueToggled } from '../queue/slice';
import { SEARCH_INPUT_ID } from '../queue/SearchBox';
import { formClosed } from '../workflow/slice';
import { CASE_VIEW_ID, focusById, focusCaseView, focusQueue } from './focus';
import { keyIntent } from './keymap';
import { runStepKey } from './run';
import { overlayOpened } from './slice';

function isField(el: Element | null): boolean {
  if (!el) return false;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') return !['checkbox', 'radio', 'button', 'submit'].includes((el as HTMLInputElement).type);
  return (el as HTMLElement).isContentEditable;
}

function isControl(el: Element | null): boolean {
  return !!el && (['BUTTON', 'A', 'INPUT', 'SUMMARY'].includes(el.tagName));
}

export function useGlobalKeys(): void {
  const dispatch = useAppDispatch();
  const store = useStore<RootState>();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return; // IME composition (拼音) owns its keys
      const s = store.getState();
      const overlay = s.shell.overlay !== null || s.workflow.form !== null;
      const intent = keyIntent({ key: e.key, ctrl: e.ctrlKey, meta: e.metaKey, alt: e.altKey, inField: isField(document.activeElement), overlay, onControl: isControl(document.activeElement),
        reading: !!document.activeElement?.closest(`#${CASE_VIEW_ID}`) });
      if (intent.kind === 'none') return;
      e.preventDefault();
      switch (intent.kind) {
        case 'palette':
          if (s.workflow.form) return; // finish or cancel the form first
          dispatch(overlayOpened(s.shell.overlay === 'palette' ? null : 'palette'));
          if (s.shell.overlay === 'palette') focusQueue();
          return;
        case 'escape':
          if (s.workflow.form) dispatch(formClosed());
          else if (s.shell.overlay) dispatch(overlayOpened(null));
          focusQueue();
          return;
        case 'help': dispatch(overlayOpened('help')); return;
        case 'search': focusById(SEARCH_INPUT_ID); return;
        case 'move': dispatch(moveCursor(intent.delta)); focusQueue(); return;
        case 'edge': dispatch(moveCursorTo(intent.where)); focusQueue(); return;
        case 'open': focusCaseView(); return;
        case 'overdue': dispatch(overdueToggled()); return;
        case 'newest': dispatch(jumpToNewest()); focusQueue(); return;
        case 'step': dispatch(runStepKey(intent.key)); return;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [dispatch, store]);
}
