import { defineRule, type AppFact } from '../types.js';
import { list } from '../../lib/text.js';

/** Consumers from this many on make a shared database worth stating. */
const MIN_CONSUMERS = 3;

/** One PostgreSQL app serving many apps: its outage or a bad upgrade is theirs too. */
export default defineRule({
  id: 'failure-shared-database',
  category: 'failure-domains',
  risk: 'low',
  title: 'One PostgreSQL serves many apps',
  inputs: ['spec'],
  why: 'A shared PostgreSQL is simpler to run and back up, but it couples the apps on it: when it is down, restarted or upgraded (a major version needs pg_upgrade or a dump and restore), every one of them stops, and an app that needs another PostgreSQL version or extension holds the others back.',
  fix: 'keep it shared knowingly: back it up with a scheduled pg_dump per database, upgrade it in a maintenance window, and give an app its own postgresql instance (dependsOn picks it) when it needs a different version or must stay up on its own',
  check({ facts, report }) {
    const consumers = new Map<string, AppFact[]>();
    for (const a of facts.apps) {
      const db = a.links.postgresql;
      if (db) consumers.set(db, [...(consumers.get(db) ?? []), a]);
    }
    for (const [db, apps] of [...consumers].sort(([a], [b]) => a.localeCompare(b))) {
      if (apps.length < MIN_CONSUMERS) continue;
      const provider = facts.apps.find((a) => a.name === db);
      const names = apps.map((a) => a.name).sort();
      report({
        message: `PostgreSQL app ${db} serves ${apps.length} apps (${list(names)}): one outage or failed upgrade of ${db} takes them all down`,
        where: [...(provider ? [provider.where] : []), ...apps.map((a) => a.where)],
        subjects: [db, ...names],
      });
    }
  },
});
