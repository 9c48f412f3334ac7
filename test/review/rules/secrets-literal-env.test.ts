import rule from '../../../src/review/rules/secrets-literal-env.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const deploy = (env: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: wiki, namespace: apps, labels: { app.kubernetes.io/instance: wiki } }\nspec:\n  template:\n    spec:\n      containers:\n        - name: wiki\n          image: ghcr.io/example/wiki:2.5.0\n          env:\n${env}`;
const bot = { name: 'bot', module: 'container', namespace: 'apps', config: { image: 'ghcr.io/example/bot:1.0.0', env: { LOG_LEVEL: 'debug' } } };

ruleTable(rule, {
  valid: [
    { name: 'secrets read from a Secret', repo: { 'd.yaml': deploy('            - name: DB_PASSWORD\n              valueFrom: { secretKeyRef: { name: wiki-db, key: password } }\n') } },
    {
      name: 'a path to a mounted secret, settings about tokens, an empty value, a plain setting',
      repo: { 'd.yaml': deploy('            - { name: DB_PASSWORD_FILE, value: /run/secrets/db }\n            - { name: ACCESS_TOKEN_EXPIRE_MINUTES, value: "30" }\n            - { name: ENABLE_PASSWORD_LOGIN, value: "true" }\n            - { name: API_TOKEN, value: "" }\n            - { name: TZ, value: Europe/Berlin }\n') },
    },
    { name: 'a hearth container with plain env', lab: testLab([bot]) },
    {
      name: 'a chart workload (its env is not known)',
      lab: testLab([{ name: 'ollama', namespace: 'ai' }]),
      edit: (f) => f.workloads.find((w) => w.fromChart && w.app === 'ollama')!.containers[0].env.push({ name: 'OLLAMA_API_KEY', literal: true }),
    },
  ],
  invalid: [
    {
      name: 'a literal password and token in one workload',
      repo: { 'd.yaml': deploy('            - { name: DB_PASSWORD, value: hunter2 }\n            - { name: GITHUB_TOKEN, value: ghp_x }\n            - { name: TZ, value: Europe/Berlin }\n') },
      message: /^Deployment apps\/wiki sets DB_PASSWORD, GITHUB_TOKEN as literal values: the secrets are plaintext/,
      count: 1,
      subjects: ['wiki'],
    },
    {
      name: 'a literal API key in a CronJob',
      repo: { 'c.yaml': 'apiVersion: batch/v1\nkind: CronJob\nmetadata: { name: sync, namespace: media }\nspec:\n  schedule: "0 * * * *"\n  jobTemplate: { spec: { template: { spec: { containers: [{ name: sync, image: "alpine:3.22", env: [{ name: SONARR_API_KEY, value: abc123 }] }] } } } }\n' },
      message: /CronJob media\/sync sets SONARR_API_KEY as literal value: the secret is plaintext/,
    },
    {
      name: 'a rendered hearth workload with a literal secret',
      lab: testLab([bot]),
      edit: (f) => f.workloads.find((w) => w.app === 'bot')!.containers[0].env.push({ name: 'BOT_TOKEN', literal: true }),
      message: /apps\/bot-server sets BOT_TOKEN/,
      subjects: ['bot'],
    },
  ],
});
