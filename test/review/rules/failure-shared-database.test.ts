import rule from '../../../src/review/rules/failure-shared-database.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const postgresql = { name: 'postgresql', namespace: 'data', config: { pgvector: true } };
const redis = { name: 'redis', namespace: 'data' };
const nextcloud = { name: 'nextcloud', namespace: 'apps' };
const paperless = { name: 'paperless', namespace: 'apps', config: { database: 'postgres' } };
const ollama = { name: 'ollama', namespace: 'ai' };
const rag = { name: 'rag', module: 'rag-platform', namespace: 'ai', config: { image: 'ghcr.io/example/rag-api:0.3.1', ingestion: { schedule: '0 2 * * *', sources: ['https://example.com/docs'] } } };

ruleTable(rule, {
  valid: [
    { name: 'two apps on one PostgreSQL', lab: testLab([postgresql, redis, nextcloud, paperless]) },
    { name: 'paperless on SQLite, no shared database', lab: testLab([redis, { name: 'paperless', namespace: 'apps' }]) },
    { name: 'a repository (links unknown)', repo: { 'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: apps }\n' } },
  ],
  invalid: [
    {
      name: 'three apps on one PostgreSQL',
      lab: testLab([postgresql, redis, nextcloud, paperless, ollama, rag]),
      message: /PostgreSQL app postgresql serves 3 apps \(nextcloud, paperless, rag\): one outage or failed upgrade of postgresql takes them all down/,
      subjects: ['postgresql', 'nextcloud', 'paperless', 'rag'],
      count: 1,
    },
    {
      name: 'two PostgreSQL apps, one of them shared by three',
      lab: testLab([
        postgresql,
        { name: 'pg-photos', module: 'postgresql', namespace: 'data' },
        redis,
        { ...nextcloud, dependsOn: ['postgresql'] },
        { ...paperless, dependsOn: ['postgresql'] },
        ollama,
        { ...rag, dependsOn: ['postgresql'] },
      ]),
      subjects: ['postgresql'],
      count: 1,
    },
  ],
});
