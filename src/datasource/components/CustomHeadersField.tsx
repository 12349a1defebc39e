import React, { ChangeEvent, ReactNode, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Button, Field, Input, Stack, useStyles2 } from '@grafana/ui';
import { MAX_CUSTOM_HEADERS, SOURCE_LABELS, headerValueKey, sourceKey, type SourceId } from '../../../contract';
import type { ConfigChange } from './ConfigEditor';
import { jsonPatch } from './jsonPatch';
import { addSlot, removeSlot, visibleSlots } from './headerSlots';

export interface CustomHeadersFieldProps {
  source: SourceId;
  /** `<source>HttpHeaderNames` as saved or edited. */
  names: string[];
  /** Whether a slot's value is saved (secureJsonFields) or typed in this session (secureJsonData). */
  hasValue: (slot: number) => boolean;
  /** The secret input of a slot's value. */
  valueInput: (slot: number) => ReactNode;
  apply: (change: ConfigChange) => void;
}

const getStyles = (theme: GrafanaTheme2) => ({
  header: css({ display: 'flex', gap: theme.spacing(1), alignItems: 'flex-start', marginBottom: theme.spacing(1) }),
});

/** A source's custom HTTP headers: names in jsonData, values secure, each kept in its slot (headerSlots.ts). */
export function CustomHeadersField({ source, names, hasValue, valueInput, apply }: CustomHeadersFieldProps) {
  const styles = useStyles2(getStyles);
  const label = SOURCE_LABELS[source];
  // Slots added or edited in this session stay shown while their name is still empty.
  const [opened, setOpened] = useState<ReadonlySet<number>>(new Set());
  const open = (slot: number) => setOpened((current) => new Set(current).add(slot));
  const visible = visibleSlots(names, hasValue, opened);
  const namesKey = sourceKey(source, 'HttpHeaderNames');
  const setNames = (next: string[]) => apply({ json: jsonPatch(namesKey, next) });

  const add = () => {
    const { names: next, slot } = addSlot(names, visible);
    open(slot);
    setNames(next);
  };
  const remove = (slot: number) => {
    const { names: next, reset } = removeSlot(names, visible, slot);
    setOpened((current) => new Set([...current].filter((s) => s !== slot)));
    apply({
      json: jsonPatch(namesKey, next),
      secrets: Object.fromEntries(reset.map((s) => [headerValueKey(source, s), null])),
    });
  };
  const rename = (slot: number, name: string) => {
    open(slot);
    setNames(names.map((n, i) => (i === slot ? name : n)));
  };

  return (
    <Field
      label="Custom HTTP headers"
      description="Sent with every request to this source; values are stored encrypted"
    >
      <Stack direction="column" gap={1}>
        {visible.map((slot, row) => (
          <div key={slot} className={styles.header}>
            <Input
              aria-label={`${label} header ${row + 1} name`}
              width={24}
              value={names[slot]}
              placeholder="X-Scope-OrgID"
              onChange={(e: ChangeEvent<HTMLInputElement>) => rename(slot, e.target.value.trim())}
            />
            {valueInput(slot)}
            <Button
              aria-label={`Remove ${label} header ${row + 1}`}
              variant="secondary"
              icon="trash-alt"
              onClick={() => remove(slot)}
            />
          </div>
        ))}
        {visible.length < MAX_CUSTOM_HEADERS && (
          <Button variant="secondary" icon="plus" size="sm" onClick={add}>
            Add header
          </Button>
        )}
      </Stack>
    </Field>
  );
}
