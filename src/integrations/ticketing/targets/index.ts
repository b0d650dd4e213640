/** Connectors keyed by the `kind` users write in the config. */
import { VigilError } from '../../../core/errors.js';
import type { Connector } from './connector.js';
import { JiraConnector, type JiraTarget } from './jira.js';
import { ServiceNowConnector, type ServiceNowTarget } from './servicenow.js';
import { WebhookConnector, type WebhookTarget } from './webhook.js';

export type TargetConfig = WebhookTarget | JiraTarget | ServiceNowTarget;

const KINDS: Record<TargetConfig['kind'], (t: never) => Connector> = {
  webhook: (t: WebhookTarget) => new WebhookConnector(t),
  jira: (t: JiraTarget) => new JiraConnector(t),
  servicenow: (t: ServiceNowTarget) => new ServiceNowConnector(t),
};

export function createConnector(target: TargetConfig): Connector {
  const make = KINDS[target.kind] as ((t: TargetConfig) => Connector) | undefined;
  if (!make) throw new VigilError('ticketing.kind', `unknown ticketing target kind '${String(target.kind)}' (known: ${Object.keys(KINDS).join(', ')})`);
  return make(target);
}

export { JiraConnector, ServiceNowConnector, WebhookConnector };
export type { Connector, DeliveryContext, AuthConfig } from './connector.js';
export type { JiraTarget, ServiceNowTarget, WebhookTarget };
