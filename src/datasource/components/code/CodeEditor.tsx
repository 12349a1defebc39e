import React, { Suspense } from 'react';
import { ErrorBoundary, Input, TextArea } from '@grafana/ui';

/**
 * The languages the data source's code fields speak (each has its extensions in languages.ts):
 * a PromQL expression, a PromQL series selector (a variable's `match[]`), a Lucene query.
 */
export type CodeLanguage = 'promql' | 'promql-selector' | 'lucene';

export interface CodeEditorProps {
  language: CodeLanguage;
  value: string;
  /** The text, when the user leaves the field or runs the query (not on every keystroke). */
  onChange: (text: string) => void;
  onRunQuery: () => void;
  onBlur?: () => void;
  /** A resource of the data source (completion goes through the backend). */
  fetchResource: (path: string, params: Record<string, string>) => Promise<unknown>;
  /** The range completion lists values of, epoch ms. */
  range: () => { from: number; to: number };
  /** The dashboard's variable names, without `$`. */
  variables: () => readonly string[];
  placeholder?: string;
  testId?: string;
  ariaLabel?: string;
}

// CodeMirror and the grammars load only when a code field is shown.
const CodeField = React.lazy(() => import(/* webpackChunkName: "code-editor" */ './CodeField'));

/** A code field; a plain text field while CodeMirror loads, and if it cannot load. */
export function CodeEditor(props: CodeEditorProps) {
  const common = {
    'data-testid': props.testId,
    value: props.value,
    placeholder: props.placeholder,
    'aria-label': props.ariaLabel,
    onBlur: props.onBlur,
  };
  const plain =
    props.language === 'promql' ? (
      <TextArea {...common} rows={2} onChange={(e) => props.onChange(e.currentTarget.value)} />
    ) : (
      <Input {...common} onChange={(e) => props.onChange(e.currentTarget.value)} />
    );
  return (
    <ErrorBoundary>
      {({ error }) =>
        error ? (
          plain
        ) : (
          <Suspense fallback={plain}>
            <CodeField {...props} />
          </Suspense>
        )
      }
    </ErrorBoundary>
  );
}
