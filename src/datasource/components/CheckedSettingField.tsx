import React, { ChangeEvent } from 'react';
import { InlineField, Input } from '@grafana/ui';

interface Props {
  label: string;
  id: string;
  tooltip: string;
  placeholder: string;
  width: number;
  /** The value as saved in jsonData. */
  value: string | undefined;
  /** The contract's parser: the backend refuses the same values with the same message. */
  problem: (value: string) => string | undefined;
  onChange: (value: string | undefined) => void;
}

/** A jsonData text setting that says what is wrong with it as it is typed. */
export function CheckedSettingField({ label, id, tooltip, placeholder, width, value, problem, onChange }: Props) {
  const error = value ? problem(value) : undefined;
  return (
    <InlineField
      label={label}
      labelWidth={20}
      htmlFor={id}
      tooltip={tooltip}
      invalid={error !== undefined}
      error={error}
    >
      <Input
        id={id}
        width={width}
        placeholder={placeholder}
        value={value ?? ''}
        onChange={(e: ChangeEvent<HTMLInputElement>) => onChange(e.target.value.trim() || undefined)}
      />
    </InlineField>
  );
}
