import React, { ChangeEvent } from 'react';
import { Alert, Field, FieldSet, Input, SecretInput, SecretTextArea, Switch } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import {
  DEFAULTS,
  SOURCE_LABELS,
  TOKEN_KEYS,
  headerValueKey,
  sourceKey,
  type AgentMemorySecureJsonData,
  type SourceJsonField,
  type SourceSecureField,
  type SourceId,
} from '../../../contract';
import type { AgentMemoryOptions } from '../types';
import type { ConfigChange } from './ConfigEditor';
import { jsonPatch } from './jsonPatch';
import { CustomHeadersField } from './CustomHeadersField';
import { ScrapeIntervalField } from './ScrapeIntervalField';

type SecretKey = keyof AgentMemorySecureJsonData;

export interface SourceConfigProps {
  source: SourceId;
  jsonData: AgentMemoryOptions;
  secureJsonFields: Record<string, boolean>;
  secure: AgentMemorySecureJsonData;
  apply: (change: ConfigChange) => void;
}

const PLACEHOLDERS: Record<SourceId, string> = {
  prometheus: 'http://localhost:9090',
  elasticsearch: 'http://localhost:9200',
  jaeger: 'http://localhost:16686',
};

const TOKEN_TEXT: Record<SourceId, { label: string; description: string }> = {
  prometheus: { label: 'Bearer token', description: 'Sent as Authorization: Bearer; takes precedence over basic auth' },
  elasticsearch: {
    label: 'API key',
    description: 'Sent as Authorization: ApiKey (the encoded id:key); takes precedence over basic auth',
  },
  jaeger: { label: 'Bearer token', description: 'Sent as Authorization: Bearer; takes precedence over basic auth' },
};

/** One upstream's settings: URL, auth, TLS, custom headers, timeout and response cap. */
export function SourceConfig({ source, jsonData, secureJsonFields, secure, apply }: SourceConfigProps) {
  const label = SOURCE_LABELS[source];
  const key = <F extends SourceJsonField | SourceSecureField>(field: F) => sourceKey(source, field);
  const flag = (field: 'TlsWithCaCert' | 'TlsClientAuth' | 'TlsSkipVerify') => jsonData[key(field)] === true;
  const numberInput = (field: 'TimeoutSeconds' | 'MaxResponseMiB', max: number, testId?: string) => (
    <Input
      data-testid={testId}
      type="number"
      width={12}
      min={1}
      max={max}
      value={jsonData[key(field)] ?? ''}
      onChange={(e: ChangeEvent<HTMLInputElement>) =>
        setKey(key(field), e.target.value === '' ? undefined : Number(e.target.value))
      }
    />
  );
  const setKey = <K extends keyof AgentMemoryOptions>(name: K, value: AgentMemoryOptions[K]) =>
    apply({ json: jsonPatch(name, value) });
  const setSecret = (key: SecretKey, value: string) => apply({ secrets: { [key]: value } });
  const resetSecret = (key: SecretKey) => apply({ secrets: { [key]: null } });
  const secret = (key: SecretKey, width = 40, testId?: string) => (
    <SecretInput
      data-testid={testId}
      width={width}
      isConfigured={Boolean(secureJsonFields[key])}
      value={secure[key] ?? ''}
      onReset={() => resetSecret(key)}
      onChange={(e: ChangeEvent<HTMLInputElement>) => setSecret(key, e.target.value)}
    />
  );
  const pem = (key: SecretKey, placeholder: string) => (
    <SecretTextArea
      cols={60}
      rows={5}
      placeholder={placeholder}
      isConfigured={Boolean(secureJsonFields[key])}
      value={secure[key] ?? ''}
      onReset={() => resetSecret(key)}
      onChange={(e: ChangeEvent<HTMLTextAreaElement>) => setSecret(key, e.currentTarget.value)}
    />
  );
  const headerNames = jsonData[key('HttpHeaderNames')] ?? [];
  // Saved (the flag Grafana sends back) or typed in this session and not yet saved.
  const hasSecret = (key: SecretKey) => Boolean(secureJsonFields[key]) || Boolean(secure[key]);
  const tokenKey = TOKEN_KEYS[source].key;

  return (
    <FieldSet label={label} data-testid={testIds.datasource.configSection(source)}>
      <Field label="URL" description={`Where Grafana's server reaches ${label}; leave empty if you do not use it`}>
        <Input
          data-testid={testIds.datasource.configUrl(source)}
          width={50}
          value={jsonData[key('Url')] ?? ''}
          placeholder={PLACEHOLDERS[source]}
          onChange={(e: ChangeEvent<HTMLInputElement>) => setKey(key('Url'), e.target.value.trim())}
        />
      </Field>
      {source === 'prometheus' && (
        <ScrapeIntervalField value={jsonData.timeInterval} onChange={(value) => setKey('timeInterval', value)} />
      )}
      {source === 'elasticsearch' && (
        <Field label="Index pattern" description={`Indices of the AI events; default ${DEFAULTS.elasticsearchIndex}`}>
          <Input
            width={30}
            value={jsonData.elasticsearchIndex ?? ''}
            placeholder={DEFAULTS.elasticsearchIndex}
            onChange={(e: ChangeEvent<HTMLInputElement>) => setKey('elasticsearchIndex', e.target.value.trim())}
          />
        </Field>
      )}
      {source === 'jaeger' && (
        <Field label="Service of the memory spans" description="Used by the correlated view, e.g. memory-api">
          <Input
            width={30}
            value={jsonData.jaegerService ?? ''}
            onChange={(e: ChangeEvent<HTMLInputElement>) => setKey('jaegerService', e.target.value.trim())}
          />
        </Field>
      )}
      <Field label="Basic auth user" description="Leave empty when no basic auth is needed">
        <Input
          data-testid={testIds.datasource.configBasicAuthUser(source)}
          width={30}
          value={jsonData[key('BasicAuthUser')] ?? ''}
          onChange={(e: ChangeEvent<HTMLInputElement>) => setKey(key('BasicAuthUser'), e.target.value.trim())}
        />
      </Field>
      <Field label="Basic auth password">
        {secret(key('BasicAuthPassword'), 30, testIds.datasource.configBasicAuthPassword(source))}
      </Field>
      <Field label={TOKEN_TEXT[source].label} description={TOKEN_TEXT[source].description}>
        {secret(tokenKey, 50, testIds.datasource.configToken(source))}
      </Field>

      <Field label="With CA certificate" description="Verify the server's TLS certificate against your own CA">
        <Switch
          data-testid={testIds.datasource.configTlsCa(source)}
          value={flag('TlsWithCaCert')}
          onChange={(e) => setKey(key('TlsWithCaCert'), e.currentTarget.checked)}
        />
      </Field>
      {flag('TlsWithCaCert') && (
        <Field label="CA certificate (PEM)">{pem(key('TlsCaCert'), '-----BEGIN CERTIFICATE-----')}</Field>
      )}
      <Field label="TLS client authentication" description="Present a client certificate to the server">
        <Switch value={flag('TlsClientAuth')} onChange={(e) => setKey(key('TlsClientAuth'), e.currentTarget.checked)} />
      </Field>
      {flag('TlsClientAuth') && (
        <>
          <Field label="Client certificate (PEM)">{pem(key('TlsClientCert'), '-----BEGIN CERTIFICATE-----')}</Field>
          <Field label="Client key (PEM)">{pem(key('TlsClientKey'), '-----BEGIN PRIVATE KEY-----')}</Field>
        </>
      )}
      <Field label="Skip TLS certificate verification" description="Accept any certificate: for tests only">
        <Switch
          data-testid={testIds.datasource.configTlsSkipVerify(source)}
          value={flag('TlsSkipVerify')}
          onChange={(e) => setKey(key('TlsSkipVerify'), e.currentTarget.checked)}
        />
      </Field>
      {flag('TlsSkipVerify') && (
        <Alert severity="warning" title={`${label}: TLS verification is off`}>
          Anyone between Grafana and {label} can read and change its answers and see its credentials. Add the
          server&apos;s CA certificate instead.
        </Alert>
      )}

      <CustomHeadersField
        source={source}
        names={headerNames}
        hasValue={(slot) => hasSecret(headerValueKey(source, slot))}
        valueInput={(slot) => secret(headerValueKey(source, slot), 30)}
        apply={apply}
      />

      <Field label="Timeout (seconds)" description="Overrides the shared timeout for this source">
        {numberInput('TimeoutSeconds', DEFAULTS.maxTimeoutSeconds)}
      </Field>
      <Field
        label="Max response size (MiB)"
        description={`A larger answer fails its query with an error that says so; default ${DEFAULTS.maxResponseMiB}`}
      >
        {numberInput('MaxResponseMiB', DEFAULTS.maxResponseMiBLimit, testIds.datasource.configMaxResponse(source))}
      </Field>
    </FieldSet>
  );
}
