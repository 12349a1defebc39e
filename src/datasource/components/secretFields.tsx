import React, { ChangeEvent } from 'react';
import { SecretInput, SecretTextArea } from '@grafana/ui';
import type { AgentMemorySecureJsonData } from '../../../contract';
import type { ConfigChange } from './ConfigEditor';

export type SecretKey = keyof AgentMemorySecureJsonData;

/**
 * The secure fields as the editor sees them: Grafana sends back only which keys are saved
 * (`secureJsonFields`), never their values; what the user types in this session is in `secure`.
 */
export interface Secrets {
  configured: (key: SecretKey) => boolean;
  /** Saved, or typed in this session and not yet saved. */
  has: (key: SecretKey) => boolean;
  value: (key: SecretKey) => string;
  set: (key: SecretKey, value: string) => void;
  /** Forget a saved value: null tells Grafana to delete it. */
  reset: (key: SecretKey) => void;
}

export function secretsOf(
  secureJsonFields: Record<string, boolean>,
  secure: AgentMemorySecureJsonData,
  apply: (change: ConfigChange) => void
): Secrets {
  return {
    configured: (key) => Boolean(secureJsonFields[key]),
    has: (key) => Boolean(secureJsonFields[key]) || Boolean(secure[key]),
    value: (key) => secure[key] ?? '',
    set: (key, value) => apply({ secrets: { [key]: value } }),
    reset: (key) => apply({ secrets: { [key]: null } }),
  };
}

/** A one-line secret (password, token, header value): "configured" with a reset once saved. */
export function SecretField(props: { secrets: Secrets; name: SecretKey; width?: number; testId?: string }) {
  const { secrets, name } = props;
  return (
    <SecretInput
      data-testid={props.testId}
      width={props.width ?? 40}
      isConfigured={secrets.configured(name)}
      value={secrets.value(name)}
      onReset={() => secrets.reset(name)}
      onChange={(e: ChangeEvent<HTMLInputElement>) => secrets.set(name, e.target.value)}
    />
  );
}

/** A PEM certificate or key, written into a secret text area. */
export function PemField(props: { secrets: Secrets; name: SecretKey; placeholder: string }) {
  const { secrets, name } = props;
  return (
    <SecretTextArea
      cols={60}
      rows={5}
      placeholder={props.placeholder}
      isConfigured={secrets.configured(name)}
      value={secrets.value(name)}
      onReset={() => secrets.reset(name)}
      onChange={(e: ChangeEvent<HTMLTextAreaElement>) => secrets.set(name, e.currentTarget.value)}
    />
  );
}
