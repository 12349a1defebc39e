import { autocompletion, closeBrackets, closeBracketsKeymap, type CompletionContext } from '@codemirror/autocomplete';
import { bracketMatching, ensureSyntaxTree } from '@codemirror/language';
import type { Tree } from '@lezer/common';
import { linter, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import {
  PromQLExtension,
  promQLLanguage as codemirrorPromQL,
  LanguageType,
  newCompleteStrategy,
  type CompleteStrategy,
} from '@prometheus-io/codemirror-promql';
import { ResourceCompletionClient } from '../../promqlCompletion';
import { COMPLETION_OPTIONS, LINT_DELAY_MS } from './editorOptions';
import type { Language, LanguageSetup } from './languages';
import { kindHints } from '../../promqlHints';
import { referenceSpans, withoutTemplates } from '../../queryTemplates';
import { templateCompletion } from './templateCompletion';

/**
 * PromQL: codemirror-promql's grammar and completion (through our resources), our checks. A
 * series selector (a variable's `match[]`) shows no values, so the kind hints about rates and
 * quantiles do not apply to it.
 */
export function promQLLanguage(setup: LanguageSetup, selectorOnly = false): Language {
  const client = new ResourceCompletionClient(setup);
  const promQL = new PromQLExtension()
    .setComplete({ completeStrategy: withTemplates(newCompleteStrategy({ remote: client }), setup.variables) })
    .activateLinter(false);
  return {
    extensions: [
      promQL.asExtension(LanguageType.PromQL),
      linter((view) => promQLDiagnostics(view, selectorOnly), { delay: LINT_DELAY_MS }),
      autocompletion(COMPLETION_OPTIONS),
      closeBrackets(),
      bracketMatching(),
      EditorView.lineWrapping,
      keymap.of(closeBracketsKeymap),
    ],
    destroy: () => client.destroy(),
  };
}

/** After `$`: Grafana's macros and the dashboard's variables; else PromQL's own completion. */
function withTemplates(inner: CompleteStrategy, variables: () => readonly string[]): CompleteStrategy {
  return {
    promQL: (context: CompletionContext) => templateCompletion(context, variables) ?? inner.promQL(context),
    destroy: () => inner.destroy?.(),
  };
}

const promQLParse = codemirrorPromQL(LanguageType.PromQL);
const prometheusChecks = new PromQLExtension().getLinter().promQL();

/**
 * Prometheus' own checks (the parser's errors, types, argument counts) over the expression with
 * macros and variables replaced length for length, then the catalog's kind hints as warnings.
 */
export function promQLDiagnostics(view: { state: EditorState }, selectorOnly = false): Diagnostic[] {
  const expr = view.state.doc.toString();
  if (!expr.trim()) {
    return [];
  }
  const created = EditorState.create({ doc: withoutTemplates(expr), extensions: promQLParse });
  const tree = ensureSyntaxTree(created, created.doc.length, 1000);
  const broken = tree ? syntaxErrors(tree, expr) : [];
  if (broken.length > 0) {
    return broken;
  }
  // The checks read syntaxTree(state), the tree as of the state's creation: a transaction
  // takes in the whole parse ensureSyntaxTree finished.
  const state = created.update({}).state;
  // A variable stands in as a name; a type error where it stands is the stand-in's, not the user's.
  const references = referenceSpans(expr);
  const errors = (prometheusChecks({ state } as EditorView) as readonly Diagnostic[]).filter(
    (d) => !references.some((r) => d.from < r.to && r.from < d.to)
  );
  if (errors.length > 0) {
    return errors;
  }
  return kindHints(expr, selectorOnly).map(({ from, to, message }) => ({
    from,
    to,
    message,
    severity: 'warning',
    source: 'catalog',
  }));
}

/** At most this many syntax errors are shown: the first ones say where it went wrong. */
const MAX_SYNTAX_ERRORS = 3;

/**
 * The places the grammar could not read (its error nodes), which codemirror-promql's checks
 * leave alone: an unclosed bracket, a stray token. A zero-width place is widened to the
 * character before it, so there is something to underline.
 */
function syntaxErrors(tree: Tree, expr: string): Diagnostic[] {
  const found: Diagnostic[] = [];
  tree.iterate({
    enter: (node) => {
      if (!node.type.isError || found.length >= MAX_SYNTAX_ERRORS) {
        return;
      }
      const atEnd = node.from >= expr.trimEnd().length;
      const from = node.from === node.to ? Math.max(0, node.from - 1) : node.from;
      const to = Math.max(node.to, Math.min(expr.length, from + 1));
      const message = atEnd
        ? 'the expression ends too early: a closing bracket or an operand is missing'
        : `PromQL cannot read "${expr.slice(from, to).slice(0, 40)}" here`;
      if (!found.some((d) => d.from === from)) {
        found.push({ from, to, severity: 'error', message, source: 'PromQL' });
      }
    },
  });
  return found;
}
