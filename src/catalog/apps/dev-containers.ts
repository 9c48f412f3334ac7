import { z } from 'zod';
import { defineModule, type Manifest } from '../types.js';
import { meta } from '../meta.js';
import { selectorLabels } from '../../lib/k8s.js';
import { NAME_RE } from '../../spec/schema.js';
import type { LabModel, AppModel, ResourceAmounts } from '../../model/types.js';
import { configMap, containerPort, defaultDeny, deployment, gpuLimits, instancePods, networkPolicy, nodeSelectorOf, nvidiaRuntime, objectName, probes, service, servicePort, sha256, tcpPorts } from './_shared.js';

/**
 * Default image: the Dev Containers "base" image (Debian 13 trixie, user
 * `vscode`, git, sudo, openssh-client; no openssh-server). Evidence:
 * devcontainers/images `src/base-debian/history/2.2.3.md` @13cb644 lists the
 * tag `mcr.microsoft.com/devcontainers/base:2.2.3-trixie`.
 */
export const DEV_CONTAINER_IMAGE = 'mcr.microsoft.com/devcontainers/base:2.2.3-trixie';
export const MODULE = 'dev-containers';
/** sshd port inside every dev container and on its Service. */
export const SSH_PORT = 22;
/** First nginx-proxy port handed out to dev containers without `sshPort`. */
export const DEFAULT_BASE_PORT = 2201;
/** nginx-proxy's own web port: never handed to a dev container. */
export const PROXY_WEB_PORT = 8080;
export const WORKSPACE_PATH = '/workspaces';

const KEYS_DIR = '/etc/hearth/ssh';
const GIT_DIR = '/etc/hearth/git';
/** Key of the git credentials Secret (git-credential-store format). */
export const GIT_CREDENTIALS_KEY = 'git-credentials';

const quantity = z.string().regex(/^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti)$/);

const image = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._\-/:]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/)
  .refine((s) => /:[^/]+$/.test(s) || s.includes('@sha256:'), 'pin the image with a tag or a digest');

/** Key types OpenSSH accepts in authorized_keys (the sk- ones are FIDO/hardware keys). */
const KEY_TYPES = [
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
];
const KEY_RE = /^(\S+) (AAAA[0-9A-Za-z+/]+={0,3})( [^\r\n]*)?$/;

/** A public key line `type base64 [comment]` whose blob names the same key type. */
export function checkPublicKey(line: string): string | undefined {
  if (/PRIVATE KEY/.test(line)) return 'this is a private key: list public keys only (the contents of ~/.ssh/id_ed25519.pub)';
  const m = KEY_RE.exec(line);
  if (!m) return 'not an OpenSSH public key line "ssh-ed25519 AAAA... comment" (options before the key type are not supported)';
  if (!KEY_TYPES.includes(m[1])) return `unsupported key type "${m[1]}" (use ssh-ed25519, ssh-rsa or ecdsa-sha2-*)`;
  const blob = Buffer.from(m[2], 'base64');
  const len = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  if (len <= 0 || blob.length < 4 + len || blob.subarray(4, 4 + len).toString('latin1') !== m[1]) return `the key data does not hold a ${m[1]} key (truncated or pasted wrongly?)`;
  return undefined;
}

const publicKey = z
  .string()
  .superRefine((s, ctx) => {
    const problem = checkPublicKey(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('An OpenSSH public key line: "ssh-ed25519 AAAA... you@laptop" (ssh-rsa and ecdsa-sha2-* work too).');

const homeDir = z
  .string()
  .regex(/^\.?[A-Za-z0-9][A-Za-z0-9._-]*$/)
  .refine((s) => s !== '.ssh', '~/.ssh is written at every start from authorizedKeys')
  .describe('A directory directly under the home directory, e.g. .vscode-server.');

const Container = z.strictObject({
  name: z.string().max(30).regex(NAME_RE).describe('Container name: objects are <app>-<name>.'),
  image: image.default(DEV_CONTAINER_IMAGE).describe('Image with a tag or digest. It must run sshd (/usr/sbin/sshd) or have apt-get to install openssh-server at start.'),
  user: z
    .string()
    .regex(/^[a-z_][a-z0-9_-]{0,31}$/)
    .default('vscode')
    .describe('The image user that logs in over SSH (vscode in the Dev Containers images).'),
  sshPort: z
    .number()
    .int()
    .min(1024)
    .max(65535)
    .refine((p) => p !== PROXY_WEB_PORT, `${PROXY_WEB_PORT} is the web port of nginx-proxy`)
    .optional()
    .describe('Port on nginx-proxy for this container. Default: the next free port from the proxy basePort (2201).'),
  devPorts: z
    .array(z.number().int().min(1024).max(65535))
    .default([])
    .describe('Ports of dev servers in the container, published on its Service for nginx-proxy routes.'),
  cpu: z.union([z.number().positive(), z.string().regex(/^[0-9]+(\.[0-9]+)?m?$/)]).optional().describe('CPU request, e.g. 2 or 500m. Default: the app resources.'),
  memory: quantity.optional().describe('Memory request and limit, e.g. 8Gi. Default: the app resources (1Gi request, 4Gi limit).'),
  workspaceSize: quantity.default('20Gi').describe('Size of the /workspaces volume.'),
  gitUser: z
    .strictObject({
      name: z.string().min(1).max(100).regex(/^[^\r\n]+$/),
      email: z.email(),
    })
    .optional()
    .describe('git user.name and user.email.'),
  running: z.boolean().default(true).describe('false scales the Deployment to 0 and keeps the workspace.'),
  sudo: z.boolean().default(false).describe('Allow privilege escalation so the user can run sudo (the base images allow passwordless sudo).'),
});

const Config = z
  .strictObject({
    containers: z.array(Container).min(1).describe('One Deployment, Service and workspace per entry.'),
    authorizedKeys: z.array(publicKey).min(1).describe('Public SSH keys allowed to log in to every container.'),
    gitCredentialsSecret: objectName
      .optional()
      .describe(`Secret (same namespace) with key "${GIT_CREDENTIALS_KEY}" in git-credential-store format (https://user:token@github.com); installed as ~/.git-credentials.`),
    persistHome: z
      .array(homeDir)
      .default(['.vscode-server', '.claude'])
      .describe('Home directories kept on the workspace volume across restarts (VS Code server, Claude Code login).'),
  })
  .superRefine((c, ctx) => {
    const seen = new Map<string, number>();
    const ports = new Map<number, number>();
    c.containers.forEach((k, i) => {
      if (seen.has(k.name)) ctx.addIssue({ code: 'custom', path: ['containers', i, 'name'], message: `"${k.name}" is also containers[${seen.get(k.name)}]` });
      seen.set(k.name, i);
      if (k.sshPort !== undefined) {
        if (ports.has(k.sshPort)) ctx.addIssue({ code: 'custom', path: ['containers', i, 'sshPort'], message: `port ${k.sshPort} is also the sshPort of containers[${ports.get(k.sshPort)}]` });
        ports.set(k.sshPort, i);
      }
    });
  });

export type DevContainersConfig = z.output<typeof Config>;
export type DevContainer = DevContainersConfig['containers'][number];

/** An SSH backend for nginx-proxy: a dev container's Service and the proxy port it gets. */
export interface SshBackend {
  /** The dev-containers app. */
  app: string;
  container: string;
  /** Service name (`<app>-<container>`). */
  service: string;
  namespace: string;
  /** Service port (sshd). */
  port: number;
  /** Port nginx-proxy listens on for this container. */
  listen: number;
  /** The user to log in as. */
  user: string;
  /** Dev server ports on the Service. */
  devPorts: number[];
}

/** The lab's dev-containers apps, in spec order. */
export function devContainerApps(lab: LabModel): AppModel[] {
  return lab.apps.filter((a) => a.module === MODULE);
}

/**
 * Every dev container of the lab with its proxy port, in spec order (apps,
 * then containers). Explicit `sshPort`s are kept (the first one wins when two
 * apps name the same port); the others get the next free port from
 * `basePort` upward, so adding a container at the end never moves the others.
 */
export function sshBackends(lab: LabModel, basePort = DEFAULT_BASE_PORT, reserved: readonly number[] = [PROXY_WEB_PORT]): SshBackend[] {
  const entries = devContainerApps(lab).flatMap((a) => (a.config as DevContainersConfig).containers.map((c) => ({ a, c })));
  const used = new Set<number>(reserved);
  const fixed = new Map<(typeof entries)[number], number>();
  for (const e of entries) {
    if (e.c.sshPort !== undefined && !used.has(e.c.sshPort)) {
      used.add(e.c.sshPort);
      fixed.set(e, e.c.sshPort);
    }
  }
  let next = basePort;
  return entries.map((e) => {
    let listen = fixed.get(e);
    if (listen === undefined) {
      while (used.has(next)) next++;
      listen = next;
      used.add(next);
    }
    return {
      app: e.a.name,
      container: e.c.name,
      service: `${e.a.name}-${e.c.name}`,
      namespace: e.a.namespace,
      port: SSH_PORT,
      listen,
      user: e.c.user,
      devPorts: [...e.c.devPorts],
    };
  });
}

/** The StorageClass of the workspaces: the app's own `storage`, else the lab's local-path class, else the default. */
export function workspaceClass(lab: LabModel, app: AppModel): string | undefined {
  return lab.spec.apps[app.index]?.storage ?? lab.storageClasses.find((s) => s.type === 'local-path')?.name ?? lab.defaultStorageClass;
}

/**
 * The container's start command (POSIX sh, run as root): install sshd when
 * the image lacks it, persistent host keys, authorized_keys with the modes
 * sshd's StrictModes wants, git settings, persisted home directories, then
 * sshd in the foreground. Settings come from the environment.
 */
export const START_SCRIPT = `set -eu
user="$DEV_USER"
entry=$(getent passwd "$user") || { echo "dev-container: the image has no user \\"$user\\" (set containers[].user)" >&2; exit 1; }
home=$(printf '%s\\n' "$entry" | cut -d: -f6)
group=$(id -gn "$user")

if [ ! -x /usr/sbin/sshd ]; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "dev-container: /usr/sbin/sshd is missing; installing openssh-server (bake it into the image to skip this)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-server >/dev/null
  else
    echo "dev-container: /usr/sbin/sshd is missing and there is no apt-get; use an image with an SSH server" >&2
    exit 1
  fi
fi
# Privilege separation directory (systemd creates it on a normal host).
mkdir -p /run/sshd
chmod 0755 /run/sshd
# A container has no login uid to set: PAM sessions go on without it (as in the devcontainers sshd feature).
if [ -f /etc/pam.d/sshd ]; then
  sed -i 's/^session[[:space:]]*required[[:space:]]*pam_loginuid\\.so/session optional pam_loginuid.so/' /etc/pam.d/sshd
fi

# Host keys on the workspace volume: clients see the same host key after a restart.
state=${WORKSPACE_PATH}/.hearth
install -d -m 0700 -o root -g root "$state" "$state/ssh"
for type in ed25519 rsa; do
  key="$state/ssh/ssh_host_\${type}_key"
  if [ ! -f "$key" ]; then ssh-keygen -q -t "$type" -N '' -f "$key"; fi
done

# authorized_keys from the ConfigMap, owned by the user, with the modes StrictModes expects.
install -d -m 0700 -o "$user" -g "$group" "$home/.ssh"
install -m 0600 -o "$user" -g "$group" ${KEYS_DIR}/authorized_keys "$home/.ssh/authorized_keys"

# git: identity, credentials and worktree-friendly defaults in the system config (~/.gitconfig stays the user's).
if command -v git >/dev/null 2>&1; then
  git config --system worktree.guessRemote true
  git config --system push.autoSetupRemote true
  if [ -n "\${GIT_USER_NAME:-}" ]; then git config --system user.name "$GIT_USER_NAME"; fi
  if [ -n "\${GIT_USER_EMAIL:-}" ]; then git config --system user.email "$GIT_USER_EMAIL"; fi
  if [ -f ${GIT_DIR}/${GIT_CREDENTIALS_KEY} ]; then
    install -m 0600 -o "$user" -g "$group" ${GIT_DIR}/${GIT_CREDENTIALS_KEY} "$home/.git-credentials"
    git config --system credential.helper store
  fi
fi

# Home directories kept on the workspace volume.
install -d -m 0755 -o "$user" -g "$group" ${WORKSPACE_PATH}/.home
for dir in $PERSIST_HOME; do
  install -d -m 0700 -o "$user" -g "$group" "${WORKSPACE_PATH}/.home/$dir"
  if [ -L "$home/$dir" ] || [ ! -e "$home/$dir" ]; then
    ln -sfn "${WORKSPACE_PATH}/.home/$dir" "$home/$dir"
  else
    echo "dev-container: $home/$dir exists in the image; it is not kept across restarts"
  fi
done
chown "$user:$group" ${WORKSPACE_PATH}

exec /usr/sbin/sshd -D -e \\
  -h "$state/ssh/ssh_host_ed25519_key" -h "$state/ssh/ssh_host_rsa_key" \\
  -o AuthorizedKeysFile=.ssh/authorized_keys \\
  -o PasswordAuthentication=no \\
  -o KbdInteractiveAuthentication=no \\
  -o PermitRootLogin=no \\
  -o AllowUsers="$user" \\
  -o ClientAliveInterval=60
`;

/**
 * What sshd and the start script need as root, everything else dropped:
 * setuid/setgid to the user, chroot for privilege separation, chown/fowner/
 * dac_override for the files it installs, audit_write for PAM, kill, and
 * binding port 22.
 */
export const DEV_CONTAINER_CAPABILITIES = ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'KILL', 'NET_BIND_SERVICE', 'SETGID', 'SETUID', 'SYS_CHROOT'];

function containerResources(app: AppModel, c: DevContainer) {
  const requests: ResourceAmounts = { ...app.resources.requests };
  const limits: ResourceAmounts = { ...app.resources.limits };
  if (c.cpu !== undefined) requests.cpu = String(c.cpu);
  if (c.memory) requests.memory = limits.memory = c.memory;
  return { requests, limits: gpuLimits(limits, app.gpu ? 1 : 0) };
}

/** Remote development environments: one SSH-reachable Deployment per container, workspace on local storage. */
export default defineModule({
  name: MODULE,
  kind: 'app',
  summary: 'Dev containers: SSH-reachable dev environments (VS Code Remote SSH, Claude Code, git worktrees) on local storage',
  layer: 'apps',
  dir: 'dev-containers',
  config: Config,
  app: () => ({
    // SSH goes through nginx-proxy; no web UI.
    expose: 'internal',
    // Workspaces are rendered by the module: they go on the local-path class, not the lab default.
    volumes: [],
    resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '4Gi' } },
    replicas: 1,
    // git remotes, package installs, the VS Code server download, AI APIs.
    egressInternet: true,
  }),
  render: (ctx) => {
    const app = ctx.component.app!;
    const c = ctx.config as DevContainersConfig;
    const keysName = `${app.name}-ssh-keys`;
    const data = { authorized_keys: c.authorizedKeys.map((k) => k.trim()).join('\n') + '\n' };
    const manifests: Manifest[] = [configMap(ctx, keysName, data, { file: 'ssh-configmap', component: 'ssh-keys' })];
    // The keys are copied at start: a changed key list (or start script) rolls the pods.
    const checksum = sha256(JSON.stringify(data) + START_SCRIPT);
    const storageClass = workspaceClass(ctx.lab, app);

    for (const k of c.containers) {
      const name = `${app.name}-${k.name}`;
      const selector = { ...selectorLabels(MODULE, app.name), 'hearth.dev/dev-container': k.name };
      const claim = `${name}-workspace`;
      // One file per container (seed 001: kubectl apply/delete -f dev-container-<name>.yaml).
      const file = `dev-container-${k.name}`;
      manifests.push({
        file,
        object: {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: meta(ctx, claim, 'workspace'),
          spec: { accessModes: ['ReadWriteOnce'], ...(storageClass ? { storageClassName: storageClass } : {}), resources: { requests: { storage: k.workspaceSize } } },
        },
      });
      const env = [
        { name: 'DEV_USER', value: k.user },
        { name: 'PERSIST_HOME', value: c.persistHome.join(' ') },
        ...(k.gitUser ? [{ name: 'GIT_USER_NAME', value: k.gitUser.name }, { name: 'GIT_USER_EMAIL', value: k.gitUser.email }] : []),
      ];
      const devPorts = k.devPorts.map((p) => ({ name: `dev-${p}`, port: p }));
      const container = {
        name: 'dev',
        image: k.image,
        command: ['/bin/sh', '-c', START_SCRIPT],
        ports: [containerPort('ssh', SSH_PORT), ...devPorts.map((p) => containerPort(p.name, p.port))],
        env,
        resources: containerResources(app, k),
        // sshd starts as root and switches to the user per login.
        securityContext: {
          allowPrivilegeEscalation: k.sudo,
          capabilities: { drop: ['ALL'], add: DEV_CONTAINER_CAPABILITIES },
          seccompProfile: { type: 'RuntimeDefault' },
        },
        // The first start may install openssh-server: up to 5 minutes.
        ...probes({ tcpSocket: { port: 'ssh' } }, { periodSeconds: 5, failureThreshold: 60 }),
        volumeMounts: [
          { name: 'workspace', mountPath: WORKSPACE_PATH },
          { name: 'ssh-keys', mountPath: KEYS_DIR, readOnly: true },
          ...(c.gitCredentialsSecret ? [{ name: 'git-credentials', mountPath: GIT_DIR, readOnly: true }] : []),
        ],
      };
      manifests.push(
        deployment(ctx, {
          file,
          name,
          component: 'dev-container',
          selector,
          replicas: k.running && app.replicas > 0 ? 1 : 0,
          // A ReadWriteOnce local volume: the old pod lets go before the new one starts.
          strategy: { type: 'Recreate' },
          podAnnotations: { 'checksum/config': checksum },
          pod: {
            hostname: k.name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            ...nodeSelectorOf(app.nodeSelector),
            ...(app.gpu ? nvidiaRuntime() : {}),
            containers: [container],
            volumes: [
              { name: 'workspace', persistentVolumeClaim: { claimName: claim } },
              { name: 'ssh-keys', configMap: { name: keysName, defaultMode: 0o444 } },
              ...(c.gitCredentialsSecret
                ? [{ name: 'git-credentials', secret: { secretName: c.gitCredentialsSecret, defaultMode: 0o400, items: [{ key: GIT_CREDENTIALS_KEY, path: GIT_CREDENTIALS_KEY }] } }]
                : []),
            ],
          },
        }),
        service(ctx, {
          file,
          name,
          component: 'dev-container',
          selector,
          ports: [servicePort('ssh', SSH_PORT), ...devPorts.map((p) => servicePort(p.name, p.port))],
        }),
      );
    }

    // Under default-deny: the lab's nginx-proxy pods may open SSH (and the dev ports).
    const proxies = ctx.lab.apps.filter((a) => a.module === 'nginx-proxy');
    if (defaultDeny(ctx.lab, app.namespace) && proxies.length > 0) {
      const ports = [...new Set([SSH_PORT, ...c.containers.flatMap((k) => k.devPorts)])].sort((a, b) => a - b);
      manifests.push(
        networkPolicy(ctx, `${app.name}-ssh`, {
          podSelector: instancePods(app.name),
          policyTypes: ['Ingress'],
          ingress: [
            {
              from: proxies.map((p) => ({
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': p.namespace } },
                podSelector: instancePods(p.name),
              })),
              ports: tcpPorts(ports),
            },
          ],
        }),
      );
    }
    return { manifests };
  },
});
