import test from 'node:test';
import assert from 'node:assert/strict';
import rule from '../../../src/review/rules/backups-rpo-schedule.js';
import { cronMaxGapMinutes } from '../../../src/lib/cron.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const postgresql = { name: 'postgresql', namespace: 'data' };
const longhorn = { storage: { default: 'longhorn', classes: [{ name: 'longhorn', type: 'longhorn' as const, replicas: 2 }] } };
const velero = (...schedules: string[]) => ({ name: 'velero', namespace: 'apps', config: { bucket: 'lab-backups', schedules: schedules.map((schedule, i) => ({ name: `s${i}`, schedule })) } });
const db = {
  'pvc.yaml': 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: { name: pgdata, namespace: data }\nspec: { storageClassName: longhorn }\n',
  'd.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: wiki-db, namespace: data }\nspec:\n  template:\n    spec:\n      containers: [{ name: pg, image: postgres:17 }]\n      volumes: [{ name: d, persistentVolumeClaim: { claimName: pgdata } }]\n',
};
const schedule = (cron: string) => `apiVersion: velero.io/v1\nkind: Schedule\nmetadata: { name: backups, namespace: velero }\nspec: { schedule: "${cron}", template: { ttl: 720h } }\n`;

test('cronMaxGapMinutes: the longest gap between runs', () => {
  const day = 1440;
  assert.equal(cronMaxGapMinutes('0 3 * * *'), day);
  assert.equal(cronMaxGapMinutes('0 */12 * * *'), 720);
  assert.equal(cronMaxGapMinutes('*/5 * * * *'), 5);
  assert.equal(cronMaxGapMinutes('0 3 * * 0'), 7 * day);
  assert.equal(cronMaxGapMinutes('@weekly'), 7 * day);
  assert.equal(cronMaxGapMinutes('0 3 * * 1-5'), 3 * day, 'Friday to Monday');
  assert.equal(cronMaxGapMinutes('0 3 * * mon,thu'), 4 * day);
  assert.equal(cronMaxGapMinutes('0 0 1 * *'), 31 * day);
  assert.equal(cronMaxGapMinutes('0 3 */2 * *'), 2 * day, 'the 31st to the 1st is one day, the 29th to the 1st two');
  assert.equal(cronMaxGapMinutes('0 3 1 * 1'), 7 * day, 'day of month and day of week both restricted: either matches');
  assert.equal(cronMaxGapMinutes('0 1,23 * * *'), 22 * 60);
  assert.equal(cronMaxGapMinutes('@every 6h'), 360);
  assert.equal(cronMaxGapMinutes('@every 1h30m'), 90);
  assert.equal(cronMaxGapMinutes('H * * * *'), 60, 'kopiur: once an hour at a hashed minute');
  assert.equal(cronMaxGapMinutes('H H(0-5) * * *'), 1440);
  assert.equal(cronMaxGapMinutes('0 0 29 2 *'), 1461 * day);
  assert.equal(cronMaxGapMinutes('0 0 30 2 *'), Infinity);
  assert.equal(cronMaxGapMinutes('every day'), undefined);
  assert.equal(cronMaxGapMinutes('0 25 * * *'), undefined);
});

ruleTable(rule, {
  valid: [
    { name: 'PostgreSQL backed up nightly', lab: testLab([postgresql, velero('0 3 * * *')], longhorn) },
    { name: 'a weekly schedule and a six-hourly one', lab: testLab([postgresql, velero('0 3 * * 0', '@every 6h')], longhorn) },
    { name: 'only a cache, weekly', lab: testLab([{ name: 'ollama', namespace: 'ai' }, velero('0 3 * * 0')]) },
    { name: 'a repository schedule the review cannot read', repo: { ...db, 's.yaml': schedule('every night') } },
  ],
  invalid: [
    {
      name: 'PostgreSQL backed up weekly',
      lab: testLab([postgresql, velero('0 3 * * 0')], longhorn),
      message: /^the databases of postgresql are backed up at best by Velero schedule velero\/s0 \(0 3 \* \* 0\), which leaves up to 7 days between runs/,
      subjects: ['postgresql'],
      count: 1,
    },
    { name: 'Vaultwarden (SQLite) on weekdays only', lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }, velero('0 3 * * 1-5')], longhorn), message: /vaultwarden .*up to 3 days between runs/ },
    { name: 'a repository database every 48 hours', repo: { ...db, 's.yaml': schedule('@every 48h') }, message: /wiki-db .*Velero schedule backups \(@every 48h\), which leaves up to 2 days/ },
  ],
});
