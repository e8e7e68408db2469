/** Thunks reach the core only through the bridge handed to the store (never a global). */
import { createAsyncThunk } from '@reduxjs/toolkit';
import type { LinkageBridge } from '../../shared/bridge/contract';
import type { AppDispatch, RootState } from './store';

export interface ThunkExtra {
  bridge: LinkageBridge;
}

export const createAppThunk = createAsyncThunk.withTypes<{ state: RootState; dispatch: AppDispatch; extra: ThunkExtra; rejectValue: { code: string; message: string } }>();

/** Any thrown value as `{code, message}` for a translated message. */
export function errorInfo(e: unknown): { code: string; message: string } {
  if (e && typeof e === 'object' && 'code' in e && typeof (e as { code: unknown }).code === 'string') {
    return { code: (e as { code: string }).code, message: e instanceof Error ? e.message : String((e as { message?: unknown }).message ?? '') };
  }
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}

/** A synchronous thunk (navigation and the like). */
export type AppThunk<R = void> = (dispatch: AppDispatch, getState: () => RootState, extra: ThunkExtra) => R;
