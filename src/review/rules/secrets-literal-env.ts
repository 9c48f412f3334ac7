import { SECRET_ENV } from '../../catalog/apps/_shared.js';
import { defineRule } from '../types.js';

/**
 * Names that look like secrets but hold where or how a secret is found, or a
 * setting about it, not the secret: PASSWORD_FILE=/run/secrets/db,
 * API_KEY_HEADER=X-Api-Key, TOKEN_TTL=3600, ACCESS_TOKEN_EXPIRE_MINUTES=30,
 * SECRET_NAME=db-credentials, ENABLE_PASSWORD_LOGIN=true.
 */
const NOT_A_VALUE = [
  /_(FILE|PATH|DIR|URL|URI|ENDPOINT|HOST|NAME|REF|KEYREF|HEADER|ENABLED|DISABLED|REQUIRED|LENGTH|MIN|MAX|TTL|LIFETIME|EXPIRY|EXPIRATION|EXPIRES?|TIMEOUT|TYPE|ALGORITHM|METHOD|MODE|FORMAT|PROVIDER|POLICY|SOURCE|AUTH|LOGIN)$/i,
  /_(EXPIRE|EXPIRES|TTL|TIMEOUT|LIFETIME)_(MS|SECONDS?|MINUTES?|HOURS?|DAYS?)$/i,
  /^(ENABLE|DISABLE|USE|ALLOW|REQUIRE)_/i,
];

/** Environment variables that look like secrets, written as literal values in the manifest. */
export default defineRule({
  id: 'secrets-literal-env',
  category: 'secrets',
  risk: 'high',
  title: 'Secret-looking environment variables with literal values',
  why: 'A value written in a manifest is plaintext in git: everyone who can read the repository (and its history, after the line is removed) can read it, and `kubectl describe pod` shows it to anyone who can read pods.',
  fix: 'rotate the values, move them to a Secret (SOPS, Sealed Secrets or an ExternalSecret) and read them with valueFrom.secretKeyRef or envFrom.secretRef',
  check({ facts, report }) {
    for (const w of facts.workloads) {
      // A chart's workload is a summary: its containers' env is not known.
      if (w.fromChart) continue;
      const names = new Set<string>();
      for (const c of w.containers) for (const e of c.env) if (e.literal && SECRET_ENV.test(e.name) && !NOT_A_VALUE.some((re) => re.test(e.name))) names.add(e.name);
      if (names.size === 0) continue;
      const list = [...names].sort();
      report({
        message: `${w.kind} ${w.namespace}/${w.name} sets ${list.join(', ')} as literal value${list.length === 1 ? '' : 's'}: the secret${list.length === 1 ? ' is' : 's are'} plaintext in the manifest`,
        where: w.where,
        subjects: [w.app ?? w.name],
      });
    }
  },
});
