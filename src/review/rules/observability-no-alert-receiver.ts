import { defineRule } from '../types.js';

/** Alerting with nowhere to send alerts. */
export default defineRule({
  id: 'observability-no-alert-receiver',
  category: 'observability',
  risk: 'low',
  title: 'No alert receiver configured',
  inputs: ['spec'],
  why: 'Alertmanager fires alerts, but without a receiver (Telegram, e-mail, a webhook) nobody hears them: failures surface when a user notices.',
  fix: 'add observability.alerts.receivers (telegram, email, webhook, ...) with the credentials in a Secret',
  check({ facts, report }) {
    if (!facts.observability.metrics || facts.observability.alertReceivers === undefined || facts.observability.alertReceivers > 0) return;
    report({ message: 'Alertmanager runs with no receivers configured: alerts go nowhere', where: { specPath: ['observability', 'alerts', 'receivers'] }, subjects: ['alertmanager'] });
  },
  strength: (facts) => (facts.observability.alertReceivers ? 'Alerts reach a person through a configured receiver.' : undefined),
});
