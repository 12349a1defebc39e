import React from 'react';
import type { ComboboxOption } from '@grafana/ui';
import type { DataSource } from '../datasource';

/**
 * An async option loader for a Combobox from one of the backend's resources, and the last error
 * it met: values that contain what was typed; when the source cannot answer, no options and an
 * error message (naming the source) for the editor to show under its field.
 */
export function useSuggestions(datasource: DataSource, path: string | undefined, params?: Record<string, string>) {
  const [error, setError] = React.useState<string | undefined>();
  const paramsKey = JSON.stringify(params ?? {});
  const load = React.useCallback(
    async (input: string): Promise<Array<ComboboxOption<string>>> => {
      if (!path) {
        return [];
      }
      try {
        const values = await datasource.suggestions(path, JSON.parse(paramsKey));
        setError(undefined);
        const needle = input.toLowerCase();
        return values.filter((v) => v.toLowerCase().includes(needle)).map((value) => ({ label: value, value }));
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
        return [];
      }
    },
    [datasource, path, paramsKey]
  );
  return { load, error };
}
