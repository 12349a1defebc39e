import { apiContactPoints, SECRET_OF, type ContactSecrets } from '../../alerting/grafana';
import type { Plan } from '../../alerting/installer';

/**
 * Typed secrets (Slack webhook URL, PagerDuty routing key, webhook URL) stay out of the reviewed
 * plan: Review plans with a placeholder in their place, which decides the same requests (the plan
 * looks only at whether a secret was typed, and compares Grafana's redacted secrets by presence),
 * and Apply puts the secrets into the contact point bodies right before sending them.
 */
export const TYPED_SECRET_PLACEHOLDER = '<typed secret, sent at Apply>';

/** The secrets as Review plans with them: each typed one replaced by the placeholder. */
export function placeholderSecrets(secrets: ContactSecrets): ContactSecrets {
  const typed = Object.values(SECRET_OF).filter((key) => Boolean(secrets[key]));
  return Object.fromEntries(typed.map((key) => [key, TYPED_SECRET_PLACEHOLDER]));
}

export class SecretsChangedError extends Error {}

/**
 * The reviewed plan with its contact point bodies built again with the typed secrets (by the
 * installer's own builder, matched by uid). Throws when a placeholder would still be sent: the
 * secrets are not the ones the plan was reviewed with.
 */
export function withTypedSecrets(plan: Plan, secrets: ContactSecrets): Plan {
  const contactPoints = new Map(apiContactPoints(secrets).map((c) => [c.uid, c]));
  const requests = plan.requests.map((request) => {
    if (!holdsPlaceholder(request.body)) {
      return request;
    }
    const uid = (request.body as { uid?: string }).uid;
    const body = uid === undefined ? undefined : contactPoints.get(uid);
    if (!body) {
      throw new SecretsChangedError(`${request.summary}: its secret is no longer typed. Review again.`);
    }
    return { ...request, body };
  });
  return { ...plan, requests };
}

const holdsPlaceholder = (body: unknown) => JSON.stringify(body ?? null).includes(TYPED_SECRET_PLACEHOLDER);
