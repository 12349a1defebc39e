import React, { ChangeEvent } from 'react';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { Field, FieldSet, Input, SecretInput } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { AgentMemoryOptions, AgentMemorySecureOptions } from '../types';

type Props = DataSourcePluginOptionsEditorProps<AgentMemoryOptions, AgentMemorySecureOptions>;
type JsonKey = keyof AgentMemoryOptions;
type SecretKey = keyof AgentMemorySecureOptions;

interface SourceSpec {
  id: 'prometheus' | 'elasticsearch' | 'jaeger';
  label: string;
  placeholder: string;
  urlKey: JsonKey;
  userKey: JsonKey;
  passwordKey: SecretKey;
  tokenKey: SecretKey;
  tokenLabel: string;
  tokenDescription: string;
}

const SOURCES: SourceSpec[] = [
  {
    id: 'prometheus',
    label: 'Prometheus',
    placeholder: 'http://localhost:9090',
    urlKey: 'prometheusUrl',
    userKey: 'prometheusBasicAuthUser',
    passwordKey: 'prometheusBasicAuthPassword',
    tokenKey: 'prometheusBearerToken',
    tokenLabel: 'Bearer token',
    tokenDescription: 'Sent as Authorization: Bearer; takes precedence over basic auth',
  },
  {
    id: 'elasticsearch',
    label: 'Elasticsearch',
    placeholder: 'http://localhost:9200',
    urlKey: 'elasticsearchUrl',
    userKey: 'elasticsearchBasicAuthUser',
    passwordKey: 'elasticsearchBasicAuthPassword',
    tokenKey: 'elasticsearchApiKey',
    tokenLabel: 'API key',
    tokenDescription: 'Sent as Authorization: ApiKey (the encoded id:key); takes precedence over basic auth',
  },
  {
    id: 'jaeger',
    label: 'Jaeger',
    placeholder: 'http://localhost:16686',
    urlKey: 'jaegerUrl',
    userKey: 'jaegerBasicAuthUser',
    passwordKey: 'jaegerBasicAuthPassword',
    tokenKey: 'jaegerBearerToken',
    tokenLabel: 'Bearer token',
    tokenDescription: 'Sent as Authorization: Bearer; takes precedence over basic auth',
  },
];

/** Settings of the three sources; secrets go to secureJsonData and are never read back into the page. */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { jsonData, secureJsonFields } = options;
  const secure = (options.secureJsonData ?? {}) as AgentMemorySecureOptions;

  const setJson = (key: JsonKey, value: unknown) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, [key]: value } });
  const setSecret = (key: SecretKey, value: string) =>
    onOptionsChange({ ...options, secureJsonData: { ...secure, [key]: value } });
  const resetSecret = (key: SecretKey) =>
    onOptionsChange({
      ...options,
      secureJsonFields: { ...secureJsonFields, [key]: false },
      secureJsonData: { ...secure, [key]: '' },
    });
  const text = (key: JsonKey) => (typeof jsonData[key] === 'string' ? (jsonData[key] as string) : '');

  return (
    <>
      {SOURCES.map((source) => (
        <FieldSet key={source.id} label={source.label} data-testid={testIds.datasource.configSection(source.id)}>
          <Field
            label="URL"
            description={`Where Grafana's server reaches ${source.label}; leave empty if you do not use it`}
          >
            <Input
              data-testid={
                source.id === 'prometheus'
                  ? testIds.datasource.configPrometheusUrl
                  : `data-testid ds-config-${source.id}-url`
              }
              width={50}
              value={text(source.urlKey)}
              placeholder={source.placeholder}
              onChange={(e: ChangeEvent<HTMLInputElement>) => setJson(source.urlKey, e.target.value.trim())}
            />
          </Field>
          {source.id === 'elasticsearch' && (
            <Field label="Index pattern" description="Indices of the AI events; default ai-events-*">
              <Input
                width={30}
                value={text('elasticsearchIndex')}
                placeholder="ai-events-*"
                onChange={(e: ChangeEvent<HTMLInputElement>) => setJson('elasticsearchIndex', e.target.value.trim())}
              />
            </Field>
          )}
          {source.id === 'jaeger' && (
            <Field label="Service of the memory spans" description="Used by the correlated view, e.g. memory-api">
              <Input
                width={30}
                value={text('jaegerService')}
                onChange={(e: ChangeEvent<HTMLInputElement>) => setJson('jaegerService', e.target.value.trim())}
              />
            </Field>
          )}
          <Field label="Basic auth user" description="Leave empty when no basic auth is needed">
            <Input
              data-testid={source.id === 'prometheus' ? testIds.datasource.configBasicAuthUser : undefined}
              width={30}
              value={text(source.userKey)}
              onChange={(e: ChangeEvent<HTMLInputElement>) => setJson(source.userKey, e.target.value.trim())}
            />
          </Field>
          <Field label="Basic auth password">
            <SecretInput
              data-testid={source.id === 'prometheus' ? testIds.datasource.configBasicAuthPassword : undefined}
              width={30}
              isConfigured={Boolean(secureJsonFields?.[source.passwordKey])}
              value={secure[source.passwordKey] ?? ''}
              onReset={() => resetSecret(source.passwordKey)}
              onChange={(e: ChangeEvent<HTMLInputElement>) => setSecret(source.passwordKey, e.target.value)}
            />
          </Field>
          <Field label={source.tokenLabel} description={source.tokenDescription}>
            <SecretInput
              data-testid={source.id === 'prometheus' ? testIds.datasource.configBearerToken : undefined}
              width={50}
              isConfigured={Boolean(secureJsonFields?.[source.tokenKey])}
              value={secure[source.tokenKey] ?? ''}
              onReset={() => resetSecret(source.tokenKey)}
              onChange={(e: ChangeEvent<HTMLInputElement>) => setSecret(source.tokenKey, e.target.value)}
            />
          </Field>
        </FieldSet>
      ))}
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
