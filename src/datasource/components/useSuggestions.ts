import type { ComboboxOption } from '@grafana/ui';
import type { DataSource } from '../datasource';

/**
 * An async option loader for a Combobox from one of the backend's autocomplete resources:
 * values that contain what was typed; none (not an error) when the source cannot answer.
 */
export function suggestionLoader(datasource: DataSource, path: string, params?: Record<string, string>) {
  return async (input: string): Promise<Array<ComboboxOption<string>>> => {
    const values = await datasource.suggestions(path, params).catch(() => [] as string[]);
    const needle = input.toLowerCase();
    return values.filter((v) => v.toLowerCase().includes(needle)).map((value) => ({ label: value, value }));
  };
}
