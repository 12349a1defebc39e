import React, { ChangeEvent } from 'react';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { Field, FieldSet, Input, SecretInput } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { AgentMemoryOptions, AgentMemorySecureOptions } from '../types';

type Props = DataSourcePluginOptionsEditorProps<AgentMemoryOptions, AgentMemorySecureOptions>;

/** Settings of the sources; secrets go to secureJsonData and are never read back into the page. */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { jsonData, secureJsonFields } = options;
  const secure = (options.secureJsonData ?? {}) as AgentMemorySecureOptions;

  const setJson = <K extends keyof AgentMemoryOptions>(key: K, value: AgentMemoryOptions[K]) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, [key]: value } });
  const setSecret = (key: keyof AgentMemorySecureOptions, value: string) =>
    onOptionsChange({ ...options, secureJsonData: { ...secure, [key]: value } });
  const resetSecret = (key: keyof AgentMemorySecureOptions) =>
    onOptionsChange({
      ...options,
      secureJsonFields: { ...secureJsonFields, [key]: false },
      secureJsonData: { ...secure, [key]: '' },
    });

  return (
    <>
      <FieldSet label="Prometheus">
        <Field
          label="URL"
          description="Where Grafana's server reaches Prometheus, e.g. http://prometheus:9090"
          required
        >
          <Input
            data-testid={testIds.datasource.configPrometheusUrl}
            width={50}
            value={jsonData.prometheusUrl ?? ''}
            placeholder="http://localhost:9090"
            onChange={(e: ChangeEvent<HTMLInputElement>) => setJson('prometheusUrl', e.target.value.trim())}
          />
        </Field>
        <Field label="Basic auth user" description="Leave empty when Prometheus needs no basic auth">
          <Input
            data-testid={testIds.datasource.configBasicAuthUser}
            width={30}
            value={jsonData.prometheusBasicAuthUser ?? ''}
            onChange={(e: ChangeEvent<HTMLInputElement>) => setJson('prometheusBasicAuthUser', e.target.value.trim())}
          />
        </Field>
        <Field label="Basic auth password">
          <SecretInput
            data-testid={testIds.datasource.configBasicAuthPassword}
            width={30}
            isConfigured={Boolean(secureJsonFields?.prometheusBasicAuthPassword)}
            value={secure.prometheusBasicAuthPassword ?? ''}
            onReset={() => resetSecret('prometheusBasicAuthPassword')}
            onChange={(e: ChangeEvent<HTMLInputElement>) => setSecret('prometheusBasicAuthPassword', e.target.value)}
          />
        </Field>
        <Field label="Bearer token" description="Sent as Authorization: Bearer; takes precedence over basic auth">
          <SecretInput
            data-testid={testIds.datasource.configBearerToken}
            width={50}
            isConfigured={Boolean(secureJsonFields?.prometheusBearerToken)}
            value={secure.prometheusBearerToken ?? ''}
            onReset={() => resetSecret('prometheusBearerToken')}
            onChange={(e: ChangeEvent<HTMLInputElement>) => setSecret('prometheusBearerToken', e.target.value)}
          />
        </Field>
      </FieldSet>
      <FieldSet label="Requests">
        <Field
          label="Timeout (seconds)"
          description="How long each source may take before its queries fail; default 30"
        >
          <Input
            data-testid={testIds.datasource.configTimeout}
            type="number"
            width={12}
            min={1}
            max={300}
            value={jsonData.timeoutSeconds ?? ''}
            onChange={(e: ChangeEvent<HTMLInputElement>) =>
              setJson('timeoutSeconds', e.target.value === '' ? undefined : Number(e.target.value))
            }
          />
        </Field>
      </FieldSet>
    </>
  );
}
