import type { Extension } from '@codemirror/state';
import type { EditorView } from '@codemirror/view';
import type { CodeLanguage } from './CodeEditor';
import type { ResourceSource } from '../../resourceLists';
import { luceneLanguage } from './lucene';
import { promQLLanguage } from './promql';

/** What a language's extensions are given by the field. */
export interface LanguageSetup extends ResourceSource {
  /** The dashboard's variable names, without `$`. */
  variables: () => readonly string[];
  /** Runs the query with the field's text (a key binding's command). */
  run: (view: EditorView) => boolean;
}

export interface Language {
  extensions: Extension;
  /** Whether the text may run (leaving the field or a run key); by default it always may. */
  canRun?: (text: string) => boolean;
  destroy(): void;
}

export const LANGUAGES: Record<CodeLanguage, (setup: LanguageSetup) => Language> = {
  promql: (setup) => promQLLanguage(setup),
  'promql-selector': (setup) => promQLLanguage(setup, true),
  lucene: luceneLanguage,
};
