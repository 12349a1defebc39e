import { autocompletion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { linter, type Diagnostic } from '@codemirror/lint';
import { EditorState, type Text, type TransactionSpec } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import { luceneOptions, termAt } from '../../luceneCompletion';
import { luceneProblem } from '../../luceneCheck';
import { ResourceLists } from '../../resourceLists';
import { templateCompletion } from './templateCompletion';
import type { Language, LanguageSetup } from './languages';
import { COMPLETION_OPTIONS, LINT_DELAY_MS } from './editorOptions';

/**
 * Lucene over AI events: event fields complete where a term starts, a field's values from
 * Elasticsearch after `field:`, variables after `$`; quotes, brackets, ranges and dangling
 * operators are checked as you type. One line: Enter runs the query (after a completion is
 * accepted, if one is open).
 */
export function luceneLanguage(setup: LanguageSetup): Language {
  const lists = new ResourceLists(setup);
  return {
    extensions: [
      autocompletion({ ...COMPLETION_OPTIONS, override: [(context) => complete(context, lists, setup)] }),
      linter(luceneDiagnostics, { delay: LINT_DELAY_MS }),
      // Before the field's default keymap (its Enter inserts a line); an open completion list takes Enter first.
      keymap.of([{ key: 'Enter', run: setup.run }]),
      // A query is one line: pasted line breaks become spaces, each in place (the cursor stays).
      EditorState.transactionFilter.of((tr) =>
        tr.docChanged && tr.newDoc.lines > 1 ? [tr, lineBreaksToSpaces(tr.newDoc)] : tr
      ),
    ],
    // A query Elasticsearch would refuse does not run from the field (Enter, leaving it); the
    // underline says why. The query still holds the text.
    canRun: (text) => luceneProblem(text) === undefined,
    destroy: () => lists.clear(),
  };
}

async function complete(
  context: CompletionContext,
  lists: ResourceLists,
  setup: LanguageSetup
): Promise<CompletionResult | null> {
  const variable = templateCompletion(context, setup.variables);
  if (variable) {
    return variable;
  }
  const term = termAt(context.state.sliceDoc(0, context.pos));
  if (term.kind === 'field' && !term.prefix && !context.explicit) {
    return null;
  }
  const options = await luceneOptions(term, lists);
  return {
    from: term.from,
    options: options.map(({ label, detail, apply }) => ({
      label,
      detail,
      apply,
      type: term.kind === 'field' ? 'property' : 'constant',
    })),
    validFor: term.kind === 'field' ? /^[\w.@]*$/ : /^"?[^"\s]*$/,
  };
}

/** The query's first structural problem (luceneCheck.ts), underlined. */
export function luceneDiagnostics(view: { state: EditorState }): Diagnostic[] {
  const problem = luceneProblem(view.state.doc.toString());
  return problem ? [{ ...problem, severity: 'error', source: 'Lucene' }] : [];
}

function lineBreaksToSpaces(doc: Text): TransactionSpec {
  const changes: Array<{ from: number; to: number; insert: string }> = [];
  for (let line = 1; line < doc.lines; line++) {
    const end = doc.line(line).to;
    changes.push({ from: end, to: end + 1, insert: ' ' });
  }
  return { changes, sequential: true };
}
