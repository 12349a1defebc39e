import React from 'react';
import { Combobox, InlineField } from '@grafana/ui';
import type { DataSource } from '../datasource';
import { RESOURCE_PATHS } from '../../../contract';
import { useSuggestions } from './useSuggestions';

interface Props {
  datasource: DataSource;
  value?: string;
  onChange: (service: string | undefined) => void;
  testId: string;
  label?: string;
  tooltip?: string;
  placeholder?: string;
}

/** A Jaeger service, suggested from the services Jaeger knows. */
export function JaegerServiceField({
  datasource,
  value,
  onChange,
  testId,
  label = 'Service',
  tooltip,
  placeholder,
}: Props) {
  const services = useSuggestions(datasource, RESOURCE_PATHS.jaegerServices);
  return (
    <InlineField
      label={label}
      labelWidth={16}
      tooltip={tooltip}
      invalid={Boolean(services.error)}
      error={services.error}
    >
      <div data-testid={testId}>
        <Combobox<string>
          width={30}
          isClearable
          createCustomValue
          options={services.load}
          value={value ?? null}
          placeholder={placeholder}
          onChange={(v) => onChange(v?.value)}
        />
      </div>
    </InlineField>
  );
}
