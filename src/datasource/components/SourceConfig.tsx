import React, { ChangeEvent } from 'react';
import { Field, FieldSet, Input } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import {
  DEFAULTS,
  SOURCE_LABELS,
  TOKEN_KEYS,
  headerValueKey,
  sourceKey,
  type AgentMemorySecureJsonData,
  type SourceJsonField,
  type SourceId,
} from '../../../contract';
import type { AgentMemoryOptions } from '../types';
import type { ConfigChange } from './ConfigEditor';
import { CustomHeadersField } from './CustomHeadersField';
import { jsonPatch } from './jsonPatch';
import { SecretField, secretsOf } from './secretFields';
import { SourceOwnFields } from './SourceOwnFields';
import { TlsFields } from './TlsFields';

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
  const key = <F extends SourceJsonField>(field: F) => sourceKey(source, field);
  const setKey = <K extends keyof AgentMemoryOptions>(name: K, value: AgentMemoryOptions[K]) =>
    apply({ json: jsonPatch(name, value) });
  const secrets = secretsOf(secureJsonFields, secure, apply);
  const limitInput = (field: 'TimeoutSeconds' | 'MaxResponseMiB', max: number, testId?: string) => (
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
      <SourceOwnFields source={source} jsonData={jsonData} set={setKey} />

      <Field label="Basic auth user" description="Leave empty when no basic auth is needed">
        <Input
          data-testid={testIds.datasource.configBasicAuthUser(source)}
          width={30}
          value={jsonData[key('BasicAuthUser')] ?? ''}
          onChange={(e: ChangeEvent<HTMLInputElement>) => setKey(key('BasicAuthUser'), e.target.value.trim())}
        />
      </Field>
      <Field label="Basic auth password">
        <SecretField
          secrets={secrets}
          name={sourceKey(source, 'BasicAuthPassword')}
          width={30}
          testId={testIds.datasource.configBasicAuthPassword(source)}
        />
      </Field>
      <Field label={TOKEN_TEXT[source].label} description={TOKEN_TEXT[source].description}>
        <SecretField
          secrets={secrets}
          name={TOKEN_KEYS[source].key}
          width={50}
          testId={testIds.datasource.configToken(source)}
        />
      </Field>

      <TlsFields source={source} jsonData={jsonData} secrets={secrets} setFlag={(f, on) => setKey(key(f), on)} />

      <CustomHeadersField
        source={source}
        names={jsonData[key('HttpHeaderNames')] ?? []}
        hasValue={(slot) => secrets.has(headerValueKey(source, slot))}
        valueInput={(slot) => <SecretField secrets={secrets} name={headerValueKey(source, slot)} width={30} />}
        apply={apply}
      />

      <Field label="Timeout (seconds)" description="Overrides the shared timeout for this source">
        {limitInput('TimeoutSeconds', DEFAULTS.maxTimeoutSeconds)}
      </Field>
      <Field
        label="Max response size (MiB)"
        description={`A larger answer fails its query with an error that says so; default ${DEFAULTS.maxResponseMiB}`}
      >
        {limitInput('MaxResponseMiB', DEFAULTS.maxResponseMiBLimit, testIds.datasource.configMaxResponse(source))}
      </Field>
    </FieldSet>
  );
}
