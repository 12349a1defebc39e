import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2, QueryEditorHelpProps } from '@grafana/data';
import { Button, Card, useStyles2 } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { applyExample, examplePreview, queryExamples } from '../queryExamples';
import { isQueryType } from '../../../contract';
import type { DataSource } from '../datasource';
import type { AgentMemoryDataQuery } from '../types';

type Props = QueryEditorHelpProps<AgentMemoryDataQuery>;

/**
 * Example queries of the current query type (queryExamples.ts), each inserted into the query by
 * its "Use" button. Grafana's QueryEditorHelp component: Grafana shows it from the query row's
 * help toggle, and QueryEditor from its own "Examples" toggle.
 * Grafana: QUERY-EDITOR-HELP (docs/grafana-behaviour.md)
 */
export function QueryHelp({ datasource, query, onClickExample }: Props) {
  const styles = useStyles2(getStyles);
  // A stored query of an unknown type is edited as metrics (QueryEditor does the same).
  const examples = queryExamples(isQueryType(query.queryType) ? query.queryType : 'metrics', {
    // Grafana passes the DataSourceApi it created from this plugin: ours.
    jaegerService: (datasource as DataSource).jaegerService,
  });
  return (
    <div className={styles.examples} data-testid={testIds.datasource.queryHelp}>
      {examples.map((example) => (
        <Card key={example.id} isCompact noMargin data-testid={testIds.datasource.queryHelpExample(example.id)}>
          <Card.Heading>{example.title}</Card.Heading>
          <Card.Description>
            {example.description}
            <code className={styles.preview}>{examplePreview(example)}</code>
          </Card.Description>
          <Card.Actions>
            <Button
              size="sm"
              variant="secondary"
              aria-label={`Use example: ${example.title}`}
              onClick={() => onClickExample(applyExample(query, example))}
            >
              Use
            </Button>
          </Card.Actions>
        </Card>
      ))}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  examples: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(320px, 1fr))',
    gap: theme.spacing(1),
  }),
  preview: css({
    display: 'block',
    marginTop: theme.spacing(0.5),
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
    overflowWrap: 'anywhere',
  }),
});
