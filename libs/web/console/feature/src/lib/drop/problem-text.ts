import { HttpErrorResponse } from '@angular/common/http';
import { isNetworkFailure, readProblem } from '@gtd/web-data-access';

/** An API refusal, read for the form that caused it: messages by field, and what is left over. */
export interface RefusalText {
  /** Field name (the problem's `errors[].field`) → its messages, joined. */
  fields: Readonly<Record<string, string>>;
  /** The problem's `detail` when no field carries it, or a fallback for answers without a problem. */
  general: string | null;
  /** The problem's stable code, when there was one. */
  code: string | null;
}

/**
 * Turns an HttpClient error into text to show: RFC 9457 `errors` at their fields, the `detail`
 * otherwise; an answer that never arrived (or was no problem) says so plainly.
 */
export function refusalText(error: unknown): RefusalText {
  if (isNetworkFailure(error)) {
    return { fields: {}, general: 'The API did not answer: try again in a moment.', code: null };
  }
  const response = error as HttpErrorResponse;
  const problem = readProblem(response.error);
  if (!problem) {
    return { fields: {}, general: `The API answered ${response.status}.`, code: null };
  }
  const fields: Record<string, string> = {};
  for (const entry of problem.errors ?? []) {
    fields[entry.field] = [fields[entry.field], ...entry.messages].filter(Boolean).join('; ');
  }
  const general = Object.keys(fields).length > 0 ? null : problem.detail || problem.title;
  return { fields, general, code: problem.code };
}
