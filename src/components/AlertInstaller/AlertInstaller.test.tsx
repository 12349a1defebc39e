import React from 'react';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { planInstall as realPlanInstall, type GrafanaState, type Plan } from '../../alerting/installer';
import { applyPlan, readGrafanaState } from '../../alerting/grafanaApi';
import { testIds } from '../testIds';
import { AlertInstaller } from './AlertInstaller';
import { placeholderSecrets, TYPED_SECRET_PLACEHOLDER, withTypedSecrets } from './secretsAtApply';

jest.mock('../../dataSources', () => ({
  ...jest.requireActual('../../dataSources'),
  listAgentMemoryDataSources: jest.fn(async () => [
    { uid: 'agentmemory', name: 'Agent Memory', type: 'memstack-agentmemory-datasource' },
  ]),
}));
jest.mock('../../alerting/grafanaApi', () => ({
  readGrafanaState: jest.fn(),
  applyPlan: jest.fn(),
}));

// The real planner, watched: what Review and the read-back planned is inspected below.
jest.mock('../../alerting/installer', () => {
  const actual = jest.requireActual('../../alerting/installer');
  return { ...actual, planInstall: jest.fn(actual.planInstall) };
});

const SLACK = 'https://hooks.example.invalid/T000/B000/SECRET';
const PAGERDUTY = 'pd-routing-key-SECRET';

const freshGrafana = (): GrafanaState => ({
  datasource: { uid: 'agentmemory', type: 'memstack-agentmemory-datasource', name: 'Agent Memory' },
  rules: [],
  groups: {},
  contactPoints: [],
  templates: [],
  policies: { receiver: 'grafana-default-email' },
});

const planned = () => jest.mocked(realPlanInstall).mock.results.map((r) => JSON.stringify(r.value));
const secretInput = (key: string) => screen.getByTestId(testIds.alertInstaller.secret(key)) as HTMLInputElement;

async function typeSecretsAndReview() {
  render(<AlertInstaller />);
  await waitFor(() => expect(screen.getByTestId(testIds.alertInstaller.review)).toBeEnabled());
  fireEvent.change(secretInput('slackWebhookUrl'), { target: { value: SLACK } });
  fireEvent.change(secretInput('pagerdutyRoutingKey'), { target: { value: PAGERDUTY } });
  await act(async () => fireEvent.click(screen.getByTestId(testIds.alertInstaller.review)));
  await waitFor(() => expect(screen.getByTestId(testIds.alertInstaller.apply)).toBeEnabled());
}

describe('AlertInstaller secrets', () => {
  beforeEach(() => {
    jest.mocked(realPlanInstall).mockClear();
    jest.mocked(readGrafanaState).mockReset().mockResolvedValue(freshGrafana());
    jest.mocked(applyPlan).mockReset().mockResolvedValue(undefined);
  });

  it('Review plans without the secrets; Apply sends them and then forgets them', async () => {
    await typeSecretsAndReview();
    const reviewed = planned();
    expect(reviewed).toHaveLength(1);
    expect(reviewed[0]).not.toContain(SLACK);
    expect(reviewed[0]).not.toContain(PAGERDUTY);
    expect(reviewed[0]).toContain(TYPED_SECRET_PLACEHOLDER);
    expect(JSON.stringify(jest.mocked(readGrafanaState).mock.calls)).not.toContain('SECRET');

    await act(async () => fireEvent.click(screen.getByTestId(testIds.alertInstaller.apply)));
    await waitFor(() => expect(screen.getByTestId(testIds.alertInstaller.message)).toBeInTheDocument());
    const sent = JSON.stringify(jest.mocked(applyPlan).mock.calls[0][0]);
    expect(sent).toContain(SLACK);
    expect(sent).toContain(PAGERDUTY);
    expect(sent).not.toContain(TYPED_SECRET_PLACEHOLDER);
    expect(secretInput('slackWebhookUrl').value).toBe('');
    expect(secretInput('pagerdutyRoutingKey').value).toBe('');
  });

  it('forgets the secrets when Apply fails too', async () => {
    await typeSecretsAndReview();
    jest.mocked(applyPlan).mockRejectedValue(new Error('Grafana refused'));
    await act(async () => fireEvent.click(screen.getByTestId(testIds.alertInstaller.apply)));
    await waitFor(() =>
      expect(screen.getByTestId(testIds.alertInstaller.message)).toHaveTextContent('Install stopped')
    );
    expect(secretInput('slackWebhookUrl').value).toBe('');
    expect(secretInput('pagerdutyRoutingKey').value).toBe('');
  });

  it('forgets the secrets when Review fails or leaves nothing to apply', async () => {
    jest.mocked(readGrafanaState).mockRejectedValueOnce(new Error('403 Forbidden'));
    render(<AlertInstaller />);
    await waitFor(() => expect(screen.getByTestId(testIds.alertInstaller.review)).toBeEnabled());
    fireEvent.change(secretInput('slackWebhookUrl'), { target: { value: SLACK } });
    await act(async () => fireEvent.click(screen.getByTestId(testIds.alertInstaller.review)));
    await waitFor(() => expect(screen.getByTestId(testIds.alertInstaller.message)).toHaveTextContent('Could not read'));
    expect(secretInput('slackWebhookUrl').value).toBe('');

    // A data source of another type: the plan has a blocker, Apply stays disabled.
    jest
      .mocked(readGrafanaState)
      .mockResolvedValueOnce({ ...freshGrafana(), datasource: { uid: 'agentmemory', type: 'loki', name: 'Loki' } });
    fireEvent.change(secretInput('slackWebhookUrl'), { target: { value: SLACK } });
    await act(async () => fireEvent.click(screen.getByTestId(testIds.alertInstaller.review)));
    await waitFor(() => expect(screen.getByTestId(testIds.alertInstaller.plan)).toHaveTextContent('Cannot install'));
    expect(secretInput('slackWebhookUrl').value).toBe('');
  });
});

describe('secrets put in at Apply (secretsAtApply)', () => {
  const options = { datasourceUid: 'agentmemory', folderUid: 'agent-memory', folderTitle: 'Agent Memory' };
  const secrets = { slackWebhookUrl: SLACK, pagerdutyRoutingKey: PAGERDUTY };

  it('plans the same requests as with the secrets, and builds the same bodies at Apply', () => {
    const withSecrets = realPlanInstall(freshGrafana(), { ...options, secrets });
    const reviewed: Plan = realPlanInstall(freshGrafana(), { ...options, secrets: placeholderSecrets(secrets) });
    expect(JSON.stringify(reviewed)).not.toContain('SECRET');
    expect(reviewed.requests.map((r) => r.summary)).toEqual(withSecrets.requests.map((r) => r.summary));
    expect(JSON.stringify(withTypedSecrets(reviewed, secrets))).toBe(JSON.stringify(withSecrets));
  });

  it('refuses to send a placeholder when a reviewed secret is no longer typed', () => {
    const reviewed = realPlanInstall(freshGrafana(), { ...options, secrets: placeholderSecrets(secrets) });
    expect(() => withTypedSecrets(reviewed, { slackWebhookUrl: SLACK })).toThrow(/no longer typed/);
  });
});
