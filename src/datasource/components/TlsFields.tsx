import React from 'react';
import { Alert, Field, Switch } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { SOURCE_LABELS, sourceKey, type SourceId } from '../../../contract';
import type { AgentMemoryOptions } from '../types';
import { PemField, type Secrets } from './secretFields';

type TlsFlag = 'TlsWithCaCert' | 'TlsClientAuth' | 'TlsSkipVerify';

/** A source's TLS: its own CA, a client certificate, or (for tests) no verification, with a warning. */
export function TlsFields(props: {
  source: SourceId;
  jsonData: AgentMemoryOptions;
  secrets: Secrets;
  setFlag: (flag: TlsFlag, on: boolean) => void;
}) {
  const { source, jsonData, secrets, setFlag } = props;
  const label = SOURCE_LABELS[source];
  const flag = (field: TlsFlag) => jsonData[sourceKey(source, field)] === true;
  // One flag's switch: what it shows and what it sets are the same key.
  const toggle = (field: TlsFlag, testId?: string) => (
    <Switch data-testid={testId} value={flag(field)} onChange={(e) => setFlag(field, e.currentTarget.checked)} />
  );
  return (
    <>
      <Field label="With CA certificate" description="Verify the server's TLS certificate against your own CA">
        {toggle('TlsWithCaCert', testIds.datasource.configTlsCa(source))}
      </Field>
      {flag('TlsWithCaCert') && (
        <Field label="CA certificate (PEM)">
          <PemField secrets={secrets} name={sourceKey(source, 'TlsCaCert')} placeholder="-----BEGIN CERTIFICATE-----" />
        </Field>
      )}
      <Field label="TLS client authentication" description="Present a client certificate to the server">
        {toggle('TlsClientAuth')}
      </Field>
      {flag('TlsClientAuth') && (
        <>
          <Field label="Client certificate (PEM)">
            <PemField
              secrets={secrets}
              name={sourceKey(source, 'TlsClientCert')}
              placeholder="-----BEGIN CERTIFICATE-----"
            />
          </Field>
          <Field label="Client key (PEM)">
            <PemField
              secrets={secrets}
              name={sourceKey(source, 'TlsClientKey')}
              placeholder="-----BEGIN PRIVATE KEY-----"
            />
          </Field>
        </>
      )}
      <Field label="Skip TLS certificate verification" description="Accept any certificate: for tests only">
        {toggle('TlsSkipVerify', testIds.datasource.configTlsSkipVerify(source))}
      </Field>
      {flag('TlsSkipVerify') && (
        <Alert severity="warning" title={`${label}: TLS verification is off`}>
          Anyone between Grafana and {label} can read and change its answers and see its credentials. Add the
          server&apos;s CA certificate instead.
        </Alert>
      )}
    </>
  );
}
