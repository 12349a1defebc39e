import { useEffect, useState } from 'react';
import { applyPlan, readGrafanaState } from '../../alerting/grafanaApi';
import { listAgentMemoryDataSources, type DataSourceSummary } from '../../dataSources';
import { DEFAULT_INSTALL, planInstall, type InstallOptions, type Plan } from '../../alerting/installer';
import type { ContactSecrets } from '../../alerting/grafana';
import { applyOutcome, failureOutcome, reviewOutcome, type Outcome } from './outcomes';
import { placeholderSecrets, withTypedSecrets } from './secretsAtApply';

export type { Outcome } from './outcomes';

/** The Agent Memory data sources the rules can query, the first chosen until the user picks. */
function useDataSourceChoice(onError: (outcome: Outcome) => void) {
  const [dataSources, setDataSources] = useState<DataSourceSummary[] | undefined>();
  const [datasourceUid, setDatasourceUid] = useState<string>('');
  useEffect(() => {
    listAgentMemoryDataSources()
      .then((list) => {
        setDataSources(list);
        setDatasourceUid((current) => current || list[0]?.uid || '');
      })
      .catch((error) => onError(failureOutcome('Could not list the data sources', error)));
    // Listed once, when the installer opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return { dataSources, datasourceUid, setDatasourceUid };
}

/**
 * The alert installer's state and steps: the data sources to choose from, the form, the reviewed
 * plan, and Review and Apply, which read Grafana, plan, and send the plan.
 */
export function useInstaller() {
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const { dataSources, datasourceUid, setDatasourceUid } = useDataSourceChoice(setOutcome);
  const [folderTitle, setFolderTitle] = useState(DEFAULT_INSTALL.folderTitle);
  const [folderUid, setFolderUid] = useState(DEFAULT_INSTALL.folderUid);
  const [secrets, setSecrets] = useState<ContactSecrets>({});
  const [plan, setPlan] = useState<Plan | undefined>();
  const [busy, setBusy] = useState(false);

  // What Review reads and plans with: the typed secrets only as placeholders (secretsAtApply.ts).
  const reviewOptions = (): InstallOptions => ({
    datasourceUid,
    folderUid,
    folderTitle,
    secrets: placeholderSecrets(secrets),
  });
  // Secrets stay in the form only while a reviewed plan waits for Apply; every other outcome forgets them.
  const forgetSecrets = () => setSecrets({});

  const review = async () => {
    setBusy(true);
    setOutcome(undefined);
    try {
      const next = planInstall(await readGrafanaState(reviewOptions()), reviewOptions());
      setPlan(next);
      if (next.blockers.length > 0 || next.requests.length === 0) {
        forgetSecrets();
      }
      setOutcome(reviewOutcome(next));
    } catch (error) {
      setPlan(undefined);
      forgetSecrets();
      setOutcome(failureOutcome('Could not read the alerting configuration', error));
    } finally {
      setBusy(false);
    }
  };

  const apply = async () => {
    if (!plan) {
      return;
    }
    setBusy(true);
    setOutcome(undefined);
    try {
      // The only place request bodies hold the secrets; they are sent and dropped.
      await applyPlan(withTypedSecrets(plan, secrets));
      // Read back: a second plan must be empty, or the install did not take.
      const readBack = { ...reviewOptions(), secrets: {} };
      const after = planInstall(await readGrafanaState(readBack), readBack);
      setPlan(after);
      setOutcome(applyOutcome(plan, after));
    } catch (error) {
      // What Grafana holds is no longer what was reviewed: Apply waits for a new Review.
      setPlan(undefined);
      setOutcome(failureOutcome('Install stopped', error));
    } finally {
      forgetSecrets();
      setBusy(false);
    }
  };

  return {
    dataSources,
    datasourceUid,
    setDatasourceUid,
    folderTitle,
    setFolderTitle,
    folderUid,
    setFolderUid,
    secrets,
    setSecrets,
    plan,
    setPlan,
    busy,
    outcome,
    review,
    apply,
  };
}
