import { autocompletion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { linter, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import { luceneOptions, termAt } from '../../luceneCompletion';
import { luceneProblem } from '../../luceneCheck';
import { ResourceLists } from '../../resourceLists';
import { templateNames } from '../../queryTemplates';
import type { Language, LanguageSetup } from './languages';
import { COMPLETION_OPTIONS, LINT_DELAY_MS } from './editorOptions';

/**
 * Lucene over AI events: event fields complete where a term starts, a field's values from
 * Elasticsearch after `field:`, variables after `$`; the `lucene` grammar checks the query as
 * you type. One line: Enter runs the query (after a completion is accepted, if one is open).
 */
export function luceneLanguage(setup: LanguageSetup): Language {
  const lists = new ResourceLists(setup);
  return {
    extensions: [
      autocompletion({ ...COMPLETION_OPTIONS, override: [(context) => complete(context, lists, setup)] }),
      linter(luceneDiagnostics, { delay: LINT_DELAY_MS }),
      // Before the field's default keymap (its Enter inserts a line); an open completion list takes Enter first.
      keymap.of([{ key: 'Enter', run: setup.run }]),
      // A query is one line: pasted line breaks become spaces.
      EditorState.transactionFilter.of((tr) =>
        tr.docChanged && tr.newDoc.lines > 1
          ? [
              tr,
              {
                changes: { from: 0, to: tr.newDoc.length, insert: tr.newDoc.toString().replace(/\r?\n/g, ' ') },
                sequential: true,
              },
            ]
          : tr
      ),
    ],
    // A query Elasticsearch would refuse is not sent: the underline says why.
    canRun: (text) => luceneProblem(text) === undefined,
    destroy: () => lists.clear(),
  };
}

async function complete(
  context: CompletionContext,
  lists: ResourceLists,
  setup: LanguageSetup
): Promise<CompletionResult | null> {
  const variable = context.matchBefore(/\$\{?\w*$/);
  if (variable) {
    const options = templateNames(setup.variables()).map(({ label, detail }) => ({ label, detail }));
    return { from: variable.from, options, validFor: /^\$\{?\w*$/ };
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

/** The grammar's first problem, underlined. */
export function luceneDiagnostics(view: { state: EditorState }): Diagnostic[] {
  const problem = luceneProblem(view.state.doc.toString());
  return problem ? [{ ...problem, severity: 'error', source: 'Lucene' }] : [];
}
