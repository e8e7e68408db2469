/** Carrying out what a key or a palette entry means; one place, so both always agree. */
import type { AppThunk } from '../../app/thunk';
import { selectOfferedSteps } from '../case/selectors';
import type { PaletteAction } from '../command-palette/items';
import { openOperationBoard } from '../operations/open';
import { moveCursor, moveCursorTo } from '../queue/navigation';
import { normalizeFilters } from '../queue/filters';
import { caseSelected, filtersCleared, filtersReplaced, overdueToggled } from '../queue/slice';
import { SEARCH_INPUT_ID } from '../queue/SearchBox';
import { switchUser } from '../session/slice';
import { settingsChanged } from '../settings/slice';
import { openStatisticsWindow } from '../statistics/link';
import { takeStep } from '../workflow/slice';
import { stepForKey } from '../workflow/steps';
import { focusById, focusCaseView, focusQueue } from './focus';
import { overlayOpened } from './slice';

export const runStepKey = (key: string): AppThunk => (dispatch, getState) => {
  const s = getState();
  const id = s.queue.selectedId;
  const step = stepForKey(key, selectOfferedSteps(s));
  if (id && step) void dispatch(takeStep({ step, caseId: id }));
};

export const runPaletteAction = (a: PaletteAction): AppThunk => (dispatch, getState) => {
  dispatch(overlayOpened(null));
  switch (a.kind) {
    case 'step': {
      const id = getState().queue.selectedId;
      if (id) void dispatch(takeStep({ step: a.step, caseId: id }));
      return;
    }
    case 'open':
      dispatch(caseSelected(a.caseId));
      focusQueue();
      return;
    case 'user':
      void dispatch(switchUser(a.username));
      focusQueue();
      return;
    case 'preset': {
      const p = getState().settings.presets.find((x) => x.name === a.name);
      if (p) dispatch(filtersReplaced(normalizeFilters(p.filter)));
      focusQueue();
      return;
    }
    case 'setting': {
      const s = getState().settings;
      if (a.which === 'language') dispatch(settingsChanged({ language: s.language === 'zh-CN' ? 'en' : 'zh-CN' }));
      if (a.which === 'theme') dispatch(settingsChanged({ theme: s.theme === 'dark' ? 'light' : 'dark' }));
      if (a.which === 'sound') dispatch(settingsChanged({ soundMuted: !s.soundMuted }));
      focusQueue();
      return;
    }
    case 'page':
      openOperationBoard();
      return;
    case 'statistics':
      openStatisticsWindow();
      return;
    case 'nav':
      switch (a.to) {
        case 'queue': focusQueue(); return;
        case 'case': focusCaseView(); return;
        case 'search': focusById(SEARCH_INPUT_ID); return;
        case 'next': dispatch(moveCursor(1)); focusQueue(); return;
        case 'previous': dispatch(moveCursor(-1)); focusQueue(); return;
        case 'first': dispatch(moveCursorTo('first')); focusQueue(); return;
        case 'overdue': dispatch(overdueToggled()); focusQueue(); return;
        case 'clearFilters': dispatch(filtersCleared()); focusQueue(); return;
        case 'help': dispatch(overlayOpened('help')); return;
      }
  }
};
