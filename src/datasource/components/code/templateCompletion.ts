import type { CompletionContext, CompletionResult } from '@codemirror/autocomplete';
import { REFERENCE_SO_FAR, TYPED_REFERENCE, templateNames } from '../../queryTemplates';

/** After `$` (or `${`): Grafana's macros and the dashboard's variables; null elsewhere. */
export function templateCompletion(
  context: CompletionContext,
  variables: () => readonly string[]
): CompletionResult | null {
  const typed = context.matchBefore(TYPED_REFERENCE);
  if (!typed) {
    return null;
  }
  const options = templateNames(variables()).map(({ label, macro }) => ({
    label,
    detail: macro ? 'Grafana macro' : 'dashboard variable',
    type: macro ? 'constant' : 'variable',
  }));
  return { from: typed.from, options, validFor: REFERENCE_SO_FAR };
}
