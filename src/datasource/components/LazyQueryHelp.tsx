import React, { Suspense } from 'react';
import type { QueryEditorHelpProps } from '@grafana/data';
import { LoadingPlaceholder } from '@grafana/ui';
import type { AgentMemoryDataQuery } from '../types';

// The examples are built from the signal catalog and its PromQL builders; they load when the
// help is opened, not with the data source's module.
const QueryHelp = React.lazy(() =>
  import(/* webpackChunkName: "query-help" */ './QueryHelp').then((m) => ({ default: m.QueryHelp }))
);

/** The query help (QueryHelp), loaded on first use; carries its own Suspense boundary. */
export function LazyQueryHelp(props: QueryEditorHelpProps<AgentMemoryDataQuery>) {
  return (
    <Suspense fallback={<LoadingPlaceholder text="Loading examples…" />}>
      <QueryHelp {...props} />
    </Suspense>
  );
}
