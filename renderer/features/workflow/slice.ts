/**
 * The step the officer is taking: which form is open on which case, at the version they saw.
 * A step without a form goes straight to the outbox.
 */
import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import { createAppThunk } from '../../app/thunk';
import { sendCommand } from '../outbox/slice';
import { EMPTY_FORM, payloadOf, STEP_SPECS, type FormValues, type Step } from './steps';

export interface OpenForm {
  step: Step;
  caseId: string;
  /** The version the officer looked at: a change by someone else meanwhile is a conflict. */
  version: number;
  /** Prefilled values (e.g. the merge target clicked in the list of related cases). */
  initial: Partial<FormValues>;
}

interface WorkflowState {
  form: OpenForm | null;
  busy: boolean;
  /** Why the core did not take the step (not the hub's refusal: that comes as an answer). */
  error: { code: string; message: string } | null;
}

const initialState: WorkflowState = { form: null, busy: false, error: null };

/** One keystroke or click: sends at once, or opens the step's form. */
export const takeStep = createAppThunk('workflow/take', async (a: { step: Step; caseId: string; initial?: Partial<FormValues> }, { getState, dispatch }) => {
  const c = getState().cases.entities[a.caseId];
  if (!c) return;
  const spec = STEP_SPECS[a.step];
  if (spec.form) {
    dispatch(workflowSlice.actions.formOpened({ step: a.step, caseId: c.id, version: c.version, initial: a.initial ?? {} }));
    return;
  }
  await dispatch(sendCommand({ type: spec.command, payload: payloadOf(a.step, c.id, EMPTY_FORM), expectedVersion: c.version }));
});

export const submitForm = createAppThunk('workflow/submit', async (values: FormValues, { getState, dispatch, rejectWithValue }) => {
  const form = getState().workflow.form;
  if (!form) return;
  const r = await dispatch(sendCommand({ type: STEP_SPECS[form.step].command, payload: payloadOf(form.step, form.caseId, values), expectedVersion: form.version }));
  if (sendCommand.rejected.match(r)) return rejectWithValue(r.payload ?? { code: 'internal', message: r.error.message ?? '' });
});

export const workflowSlice = createSlice({
  name: 'workflow',
  initialState,
  reducers: {
    formOpened(s, a: PayloadAction<OpenForm>) {
      s.form = a.payload;
      s.error = null;
    },
    formClosed(s) {
      s.form = null;
      s.error = null;
      s.busy = false;
    },
  },
  extraReducers: (b) => {
    b.addCase(submitForm.pending, (s) => { s.busy = true; s.error = null; });
    b.addCase(submitForm.fulfilled, (s) => { s.busy = false; s.form = null; });
    b.addCase(submitForm.rejected, (s, a) => { s.busy = false; s.error = a.payload ?? { code: 'internal', message: a.error.message ?? '' }; });
    b.addCase(sendCommand.rejected, (s, a) => { if (!s.form) s.error = a.payload ?? { code: 'internal', message: a.error.message ?? '' }; });
    b.addCase(sendCommand.fulfilled, (s) => { if (!s.form) s.error = null; });
  },
});

export const { formOpened, formClosed } = workflowSlice.actions;
