import React, { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Text, useStyles2, useTheme2 } from '@grafana/ui';
import { history, historyKeymap, defaultKeymap } from '@codemirror/commands';
import { Compartment, Prec } from '@codemirror/state';
import { EditorView, keymap, placeholder as placeholderText } from '@codemirror/view';
import { grafanaEditorTheme } from './editorTheme';
import { LANGUAGES } from './languages';
import type { CodeEditorProps } from './CodeEditor';

/**
 * The CodeMirror field (loaded lazily by CodeEditor): the language's highlighting, completion
 * through the data source's resources and checks as you type, in Grafana's theme. The query
 * takes the text when the user leaves the field or runs it, as Grafana's own query fields do,
 * so a keystroke re-renders nothing but CodeMirror. Completion failures show under the field,
 * naming the source; the field stays usable.
 * Grafana: THEME-CONTEXT (docs/grafana-behaviour.md)
 */
export default function CodeField(props: CodeEditorProps) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>();
  const themeSlot = useRef(new Compartment());
  // The view is built once; it reads the latest props through this ref.
  const latest = useRef(props);
  useLayoutEffect(() => {
    latest.current = props;
  });
  const [completionError, setCompletionError] = useState<string>();

  useEffect(() => {
    const language = LANGUAGES[latest.current.language]({
      fetch: (path, params) => latest.current.fetchResource(path, params),
      range: () => latest.current.range(),
      onError: setCompletionError,
      variables: () => latest.current.variables(),
      run: (target) => run(target),
    });
    // The query takes the field's text; `then` (run, blur) follows only if the language lets it run.
    const commit = (target: EditorView, then: (() => void) | undefined) => {
      const text = target.state.doc.toString();
      if (text !== latest.current.value) {
        latest.current.onChange(text);
      }
      if (language.canRun?.(text) ?? true) {
        then?.();
      }
    };
    function run(target: EditorView) {
      commit(target, latest.current.onRunQuery);
      return true;
    }
    const editor = new EditorView({
      doc: latest.current.value,
      parent: host.current!,
      extensions: [
        language.extensions,
        history(),
        placeholderText(latest.current.placeholder ?? ''),
        // Before the default keymap, which would insert a newline.
        Prec.highest(keymap.of([{ key: 'Shift-Enter', run }])),
        keymap.of([...defaultKeymap, ...historyKeymap]),
        EditorView.domEventHandlers({
          blur: (_event, target) => commit(target, latest.current.onBlur),
        }),
        themeSlot.current.of(grafanaEditorTheme(theme)),
        // The label belongs on the editable element, which screen readers announce.
        EditorView.contentAttributes.of({ 'aria-label': latest.current.ariaLabel ?? '' }),
      ],
    });
    view.current = editor;
    return () => {
      editor.destroy();
      language.destroy();
    };
    // Built once per mount; theme and value follow in the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    view.current?.dispatch({ effects: themeSlot.current.reconfigure(grafanaEditorTheme(theme)) });
  }, [theme]);

  // A value set from outside (an example, a changed query type) replaces the text.
  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== props.value) {
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: props.value } });
    }
  }, [props.value]);

  return (
    <div className={styles.wrapper}>
      <div ref={host} data-testid={props.testId} className={styles.editor} />
      {completionError && (
        <div className={styles.error}>
          <Text color="warning" variant="bodySmall">
            Completion unavailable: {completionError}
          </Text>
        </div>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  // Inline-size containment: a long line wraps in the width the field is given instead of
  // widening the form around it (a grown InlineField sizes to its content otherwise).
  wrapper: css({ display: 'flex', flexDirection: 'column', flexGrow: 1, width: '100%', contain: 'inline-size' }),
  editor: css({ width: '100%', '.cm-editor': { maxHeight: '50vh' }, '.cm-scroller': { overflow: 'auto' } }),
  error: css({ marginTop: theme.spacing(0.5) }),
});
