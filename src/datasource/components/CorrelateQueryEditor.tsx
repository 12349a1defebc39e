import React, { ChangeEvent, useState } from 'react';
import type { SelectableValue } from '@grafana/data';
import { InlineField, Input, RadioButtonGroup, Stack, Text } from '@grafana/ui';
import { LIMITS, quantileName } from '../../../contract';
import { fieldProblem } from '../fieldProblem';
import { CheckedInput } from './CheckedInput';
import { testIds } from '../../components/testIds';
import { queryPatcher, type TypeEditorProps } from './editorProps';
import { JaegerServiceField } from './JaegerServiceField';

/** The quantiles dashboards usually show; any other is typed in as a custom one. */
const PRESET_QUANTILES: readonly number[] = [0.5, 0.9, 0.95, 0.99];
const CUSTOM = 'custom';
type QuantileChoice = number | typeof CUSTOM;

const QUANTILE_OPTIONS: Array<SelectableValue<QuantileChoice>> = [
  ...PRESET_QUANTILES.map((q) => ({ label: quantileName(q), value: q })),
  { label: 'Custom', value: CUSTOM, description: 'Any quantile between 0 and 1, e.g. 0.999' },
];

const problemWith = (field: 'quantile' | 'window', value: unknown) => fieldProblem('correlate', field, value);

const isCustomQuantile = (quantile: number | undefined) =>
  quantile !== undefined && !PRESET_QUANTILES.includes(quantile);

/** The correlated view: per memory operation, Prometheus latency and errors, top error types, slowest traces. */
export function CorrelateQueryEditor({ datasource, query, onChange, onRunQuery }: TypeEditorProps<'correlate'>) {
  const update = queryPatcher({ query, onChange, onRunQuery });
  const windowProblem = problemWith('window', query.window);
  return (
    <Stack direction="column" gap={1}>
      <Text color="secondary">
        One row per memory operation: latency at the chosen quantile and error rate, top error types, slowest traces,
        each linked to its logs, traces and PromQL in Explore.
      </Text>
      <Stack direction="row" gap={1} wrap="wrap">
        <JaegerServiceField
          datasource={datasource}
          testId={testIds.datasource.correlateService}
          label="Jaeger service"
          tooltip="Service of the memory spans; default from the data source settings"
          placeholder="from settings"
          value={query.service}
          onChange={(service) => update({ service }, true)}
        />
        <CheckedInput
          label="Window"
          labelWidth={10}
          tooltip={`What the numbers cover, ending at the end of the time range: a Prometheus duration such as 5m or 1h (at least ${LIMITS.minCorrelateWindowSeconds}s). Empty: the whole time range.`}
          problem={windowProblem}
          testId={testIds.datasource.correlateWindow}
          width={12}
          value={query.window}
          placeholder="whole range"
          onChange={(window) => update({ window: window || undefined })}
          onRunQuery={onRunQuery}
        />
      </Stack>
      <QuantileField
        quantile={query.quantile}
        onChange={(quantile, run) => update({ quantile }, run)}
        onRunQuery={onRunQuery}
      />
    </Stack>
  );
}

interface QuantileFieldProps {
  quantile: number | undefined;
  /** A valid quantile (undefined: the default); `run` when it was picked rather than typed. */
  onChange: (quantile: number | undefined, run: boolean) => void;
  onRunQuery: () => void;
}

/**
 * The latency quantile: a preset, or a custom one typed in. A custom text that is not a quantile
 * stays in the field with the validation's message under it, and the query keeps its last valid
 * quantile (the model holds numbers only).
 */
function QuantileField({ quantile, onChange, onRunQuery }: QuantileFieldProps) {
  const [custom, setCustom] = useState(() => isCustomQuantile(quantile));
  const [customText, setCustomText] = useState(() => (isCustomQuantile(quantile) ? String(quantile) : ''));
  const customProblem = custom ? problemWith('quantile', customText.trim()) : undefined;
  // A quantile set from outside (an example, undo, the query's JSON) is what the field shows:
  // adjusted while rendering, as React advises for state that follows a prop.
  const [shownFor, setShownFor] = useState(quantile);
  if (quantile !== shownFor) {
    setShownFor(quantile);
    if (quantile !== undefined && quantile !== Number(customText)) {
      setCustom(isCustomQuantile(quantile));
      setCustomText(isCustomQuantile(quantile) ? String(quantile) : '');
    }
  }
  const choose = (choice: QuantileChoice) => {
    setCustom(choice === CUSTOM);
    if (choice === CUSTOM) {
      // Start from the quantile shown so far, so that the field and the query agree.
      setCustomText(String(quantile ?? LIMITS.defaultCorrelateQuantile));
    } else {
      onChange(choice, true);
    }
  };
  const type = (text: string) => {
    setCustomText(text);
    const trimmed = text.trim();
    if (problemWith('quantile', trimmed) === undefined) {
      onChange(trimmed === '' ? undefined : Number(trimmed), false);
    }
  };
  return (
    <Stack direction="row" gap={1} wrap="wrap">
      <InlineField
        label="Latency"
        labelWidth={14}
        tooltip={`Quantile of the latency column; default ${quantileName(LIMITS.defaultCorrelateQuantile)}`}
      >
        <div data-testid={testIds.datasource.correlateQuantile}>
          <RadioButtonGroup<QuantileChoice>
            options={QUANTILE_OPTIONS}
            value={custom ? CUSTOM : (quantile ?? LIMITS.defaultCorrelateQuantile)}
            onChange={choose}
          />
        </div>
      </InlineField>
      {custom && (
        <InlineField
          label="Quantile"
          labelWidth={10}
          tooltip="Between 0 and 1, e.g. 0.999 for p99.9"
          invalid={customProblem !== undefined}
          error={customProblem}
        >
          <Input
            data-testid={testIds.datasource.correlateCustomQuantile}
            width={10}
            inputMode="decimal"
            value={customText}
            placeholder="0.999"
            onChange={(e: ChangeEvent<HTMLInputElement>) => type(e.target.value)}
            onBlur={() => customProblem === undefined && onRunQuery()}
          />
        </InlineField>
      )}
    </Stack>
  );
}
