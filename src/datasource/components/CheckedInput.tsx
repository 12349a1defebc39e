import React, { ChangeEvent } from 'react';
import { InlineField, Input } from '@grafana/ui';

interface Props {
  label: string;
  labelWidth: number;
  tooltip?: string;
  /** What the shared validation says of the current value (fieldProblem), shown under the field. */
  problem: string | undefined;
  testId: string;
  width: number;
  value: string | undefined;
  placeholder: string;
  /** The text as typed, trimmed. */
  onChange: (text: string) => void;
  onRunQuery: () => void;
}

/** A text field checked as it is typed: its problem under it, and leaving it runs the query only when it has none. */
export function CheckedInput({
  label,
  labelWidth,
  tooltip,
  problem,
  testId,
  width,
  value,
  placeholder,
  onChange,
  onRunQuery,
}: Props) {
  return (
    <InlineField
      label={label}
      labelWidth={labelWidth}
      tooltip={tooltip}
      invalid={problem !== undefined}
      error={problem}
    >
      <Input
        data-testid={testId}
        width={width}
        value={value ?? ''}
        placeholder={placeholder}
        onChange={(e: ChangeEvent<HTMLInputElement>) => onChange(e.target.value.trim())}
        onBlur={() => problem === undefined && onRunQuery()}
      />
    </InlineField>
  );
}
