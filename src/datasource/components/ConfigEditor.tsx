import React, { ChangeEvent } from 'react';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { Field, FieldSet, Input } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { DEFAULTS, SOURCE_IDS } from '../../../contract';
import { AgentMemoryOptions, AgentMemorySecureOptions } from '../types';
import { SourceConfig } from './SourceConfig';

type Props = DataSourcePluginOptionsEditorProps<AgentMemoryOptions, AgentMemorySecureOptions>;

type SecretKey = keyof AgentMemorySecureOptions;

/** jsonData keys to set, and secrets to set (a string) or reset (null); keys from contract/settings.ts. */
export interface ConfigChange {
  json?: Partial<AgentMemoryOptions>;
  secrets?: { [K in SecretKey]?: string | null };
}

/** Settings of the three sources; secrets go to secureJsonData and are never read back into the page. */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { jsonData } = options;
  const secureJsonFields = (options.secureJsonFields ?? {}) as Record<string, boolean>;
  const secure = (options.secureJsonData ?? {}) as AgentMemorySecureOptions;

  // One change may touch several keys (removing a header moves the values after it up), so
  // every change is a patch of jsonData and secrets applied in one call.
  const apply = (change: ConfigChange) => {
    const secureJsonData: AgentMemorySecureOptions = { ...(options.secureJsonData ?? {}) };
    const fields = { ...(options.secureJsonFields ?? {}) };
    for (const [key, value] of Object.entries(change.secrets ?? {}) as Array<[SecretKey, string | null]>) {
      secureJsonData[key] = value ?? '';
      if (value === null) {
        fields[key] = false;
      }
    }
    onOptionsChange({
      ...options,
      jsonData: { ...options.jsonData, ...change.json },
      secureJsonData,
      secureJsonFields: fields,
    });
  };

  return (
    <>
      {SOURCE_IDS.map((source) => (
        <SourceConfig
          key={source}
          source={source}
          jsonData={jsonData}
          secureJsonFields={secureJsonFields}
          secure={secure}
          apply={apply}
        />
      ))}
      <FieldSet label="Requests">
        <Field
          label="Timeout (seconds)"
          description={`How long each source may take before its queries fail; default ${DEFAULTS.timeoutSeconds}`}
        >
          <Input
            data-testid={testIds.datasource.configTimeout}
            type="number"
            width={12}
            min={1}
            max={DEFAULTS.maxTimeoutSeconds}
            value={jsonData.timeoutSeconds ?? ''}
            onChange={(e: ChangeEvent<HTMLInputElement>) =>
              apply({ json: { timeoutSeconds: e.target.value === '' ? undefined : Number(e.target.value) } })
            }
          />
        </Field>
      </FieldSet>
    </>
  );
}
