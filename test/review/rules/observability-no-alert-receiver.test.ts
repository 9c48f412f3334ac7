import rule from '../../../src/review/rules/observability-no-alert-receiver.js';
import { ruleTable, testLab } from '../../helpers/review.js';

ruleTable(rule, {
  valid: [
    {
      name: 'a Telegram receiver',
      lab: testLab([], {
        observability: {
          metrics: { enabled: true, retention: '15d', storage: {}, grafana: true },
          logs: { enabled: false, retention: '7d', storage: {} },
          alerts: { receivers: [{ name: 'me', type: 'telegram', chatId: 123, botToken: { secret: 'tg', key: 'token' } }] },
        },
      } as never),
    },
    { name: 'no metrics at all (another rule)', lab: testLab([], { observability: { metrics: { enabled: false }, logs: { enabled: false }, alerts: { receivers: [] } } } as never) },
    { name: 'a repository (receivers not known)', repo: {} },
  ],
  invalid: [{ name: 'metrics without receivers', lab: testLab([]), message: /no receivers configured/, count: 1 }],
});
