import type { GrafanaTheme2 } from '@grafana/data';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import type { Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { tags } from '@lezer/highlight';

/**
 * CodeMirror in Grafana's theme: the input's colours, border and font, the tooltip and
 * completion list as Grafana's menus, and PromQL's tokens in the theme's visualization colours,
 * so the editor reads the same in light and dark.
 */
export function grafanaEditorTheme(theme: GrafanaTheme2): Extension {
  const input = theme.components.input;
  const color = (name: string) => theme.visualization.getColorByName(name);
  const base = EditorView.theme(
    {
      '&': {
        backgroundColor: input.background,
        color: input.text,
        border: `1px solid ${input.borderColor}`,
        borderRadius: theme.shape.radius.default,
        fontSize: theme.typography.bodySmall.fontSize,
        width: '100%',
      },
      '&.cm-focused': { outline: `2px solid ${theme.colors.primary.main}`, outlineOffset: '1px' },
      '.cm-content': {
        fontFamily: theme.typography.fontFamilyMonospace,
        padding: theme.spacing(0.75, 0),
        caretColor: theme.colors.text.primary,
        minHeight: theme.spacing(4),
      },
      '.cm-line': { padding: theme.spacing(0, 1) },
      '.cm-cursor': { borderLeftColor: theme.colors.text.primary },
      '.cm-placeholder': { color: theme.colors.text.disabled },
      '.cm-selectionBackground, &.cm-focused .cm-selectionBackground': {
        backgroundColor: theme.colors.action.selected,
      },
      '.cm-matchingBracket': {
        backgroundColor: theme.colors.action.hover,
        outline: `1px solid ${theme.colors.border.medium}`,
      },
      '.cm-nonmatchingBracket': { color: theme.colors.error.text },
      '.cm-tooltip': {
        backgroundColor: theme.colors.background.elevated,
        color: theme.colors.text.primary,
        border: `1px solid ${theme.colors.border.weak}`,
        boxShadow: theme.shadows.z3,
        borderRadius: theme.shape.radius.default,
      },
      '.cm-tooltip-autocomplete > ul': { fontFamily: theme.typography.fontFamilyMonospace, maxHeight: '300px' },
      '.cm-tooltip-autocomplete > ul > li[aria-selected]': {
        backgroundColor: theme.colors.action.selected,
        color: theme.colors.text.primary,
      },
      '.cm-completionDetail': { color: theme.colors.text.secondary, fontStyle: 'normal', marginLeft: theme.spacing(1) },
      '.cm-completionMatchedText': { textDecoration: 'none', color: theme.colors.text.maxContrast, fontWeight: 500 },
      '.cm-completionInfo': { padding: theme.spacing(1), maxWidth: '400px' },
      '.cm-diagnostic': { padding: theme.spacing(0.5, 1), fontFamily: theme.typography.fontFamily },
      '.cm-diagnostic-error': { borderLeft: `4px solid ${theme.colors.error.main}` },
      '.cm-diagnostic-warning': { borderLeft: `4px solid ${theme.colors.warning.main}` },
    },
    { dark: theme.isDark }
  );
  const highlight = HighlightStyle.define([
    { tag: tags.variableName, color: theme.colors.text.primary },
    { tag: tags.function(tags.variableName), color: color('blue') },
    { tag: tags.operatorKeyword, color: color('purple') },
    { tag: tags.modifier, color: color('purple') },
    { tag: tags.labelName, color: color('orange') },
    { tag: tags.string, color: color('green') },
    { tag: tags.number, color: color('yellow') },
    { tag: [tags.operator, tags.logicOperator, tags.arithmeticOperator], color: theme.colors.text.secondary },
    { tag: tags.comment, color: theme.colors.text.disabled, fontStyle: 'italic' },
    { tag: tags.invalid, color: theme.colors.error.text },
  ]);
  return [base, syntaxHighlighting(highlight)];
}
