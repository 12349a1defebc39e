/** The app's one place for turning a thrown value into a message for the page. */

/**
 * What went wrong, from an error of Grafana's backend service: Grafana's own `{ message }`, our data
 * source's resource errors `{ error }`, or the transport's message.
 */
export function grafanaErrorMessage(error: unknown): string {
  const e = error as { data?: { message?: string; error?: string }; message?: string } | undefined;
  return e?.data?.message ?? e?.data?.error ?? e?.message ?? 'no answer';
}

/** A thrown value as text: an Error's message, anything else as it prints. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
