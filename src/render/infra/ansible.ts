/**
 * The Ansible equivalent of the K3s scripts (seed 003: "Ansible: K3S
 * installation"), for K3s clusters:
 *
 *   <root>/ansible/inventory.yml   k3s_cluster with children k3s_servers and k3s_agents
 *   <root>/ansible/k3s.yml         first server, then the other servers one by one, then the agents
 *   <root>/ansible/ansible.cfg     the inventory, Python discovery, SSH pipelining
 *
 * The playbook installs the same files the scripts install: each node's
 * <root>/k3s/nodes/<node>/config.yaml (rendered by k3s.ts, read from there so
 * there is one source), the join token slurped from the first server
 * (`no_log: true` wherever it passes), and for an external PostgreSQL
 * datastore the URL from the control machine's K3S_DATASTORE_ENDPOINT in a
 * 0600 drop-in. K3s comes from the official install script, fetched with
 * ansible.builtin.get_url and run once (`creates: /usr/local/bin/k3s`).
 *
 * Modules: ansible.builtin only (file, copy, get_url, command, wait_for,
 * slurp, assert, service), all in ansible-core 2.14.
 */
import type { JsonValue } from '../../lib/yaml-emit.js';
import { GENERATED_HEADER, yamlFile, type RenderedFile } from '../files.js';
import type { InfraRenderer } from './index.js';
import { k3sPlan, K3S_CONFIG, K3S_DATASTORE_DROPIN, K3S_INSTALL_URL, K3S_NODE_TOKEN, K3S_TOKEN_FILE, type K3sPlan } from './k3s.js';

const INSTALLER = '/usr/local/bin/k3s-install.sh';

type Task = Record<string, JsonValue>;

function inventory(plan: K3sPlan): Record<string, JsonValue> {
  const hosts = (nps: K3sPlan['servers']): Record<string, JsonValue> =>
    Object.fromEntries(nps.map((np) => [np.node.name, { ansible_host: np.node.ip, ansible_user: plan.sshUser }]));
  return {
    all: {
      children: {
        k3s_cluster: {
          vars: { k3s_version: plan.version, k3s_first_server: plan.first.name },
          children: {
            k3s_servers: { hosts: hosts(plan.servers) },
            k3s_agents: plan.agents.length ? { hosts: hosts(plan.agents) } : {},
          },
        },
      },
    },
  };
}

function baseTasks(plan: K3sPlan, role: 'server' | 'agent', joins: boolean): Task[] {
  const tasks: Task[] = [
    {
      name: 'K3s configuration directory',
      'ansible.builtin.file': { path: '/etc/rancher/k3s', state: 'directory', owner: 'root', group: 'root', mode: '0755' },
    },
  ];
  if (joins) {
    tasks.push({
      name: `Join token of ${plan.first.name}`,
      'ansible.builtin.copy': {
        content: `{{ hostvars['${plan.first.name}'].k3s_node_token.content | b64decode }}`,
        dest: K3S_TOKEN_FILE,
        owner: 'root',
        group: 'root',
        mode: '0600',
      },
      no_log: true,
    });
  }
  tasks.push({
    name: 'K3s configuration rendered by hearth',
    'ansible.builtin.copy': {
      src: '{{ playbook_dir }}/../k3s/nodes/{{ inventory_hostname }}/config.yaml',
      dest: K3S_CONFIG,
      owner: 'root',
      group: 'root',
      mode: '0600',
    },
    notify: `Restart ${role === 'server' ? 'k3s' : 'k3s-agent'}`,
  });
  if (role === 'server' && plan.datastore === 'external-postgres') {
    tasks.push(
      {
        name: 'The datastore URL is set on the control machine',
        'ansible.builtin.assert': {
          that: ["lookup('ansible.builtin.env', 'K3S_DATASTORE_ENDPOINT') is match('postgres://')"],
          fail_msg: 'Set K3S_DATASTORE_ENDPOINT=postgres://user:password@host:port/database before running the playbook',
        },
        no_log: true,
      },
      {
        name: 'K3s drop-in configuration directory',
        'ansible.builtin.file': { path: '/etc/rancher/k3s/config.yaml.d', state: 'directory', owner: 'root', group: 'root', mode: '0755' },
      },
      {
        name: 'Datastore endpoint (holds the database password)',
        'ansible.builtin.copy': {
          content: "datastore-endpoint: {{ lookup('ansible.builtin.env', 'K3S_DATASTORE_ENDPOINT') | to_json }}\n",
          dest: K3S_DATASTORE_DROPIN,
          owner: 'root',
          group: 'root',
          mode: '0600',
        },
        no_log: true,
        notify: 'Restart k3s',
      },
    );
  }
  tasks.push(
    {
      name: 'K3s install script',
      'ansible.builtin.get_url': { url: K3S_INSTALL_URL, dest: INSTALLER, owner: 'root', group: 'root', mode: '0755' },
    },
    {
      name: `Install K3s {{ k3s_version }} (${role})`,
      'ansible.builtin.command': { cmd: `${INSTALLER} ${role}`, creates: '/usr/local/bin/k3s' },
      environment: { INSTALL_K3S_VERSION: '{{ k3s_version }}' },
      register: 'k3s_install',
    },
  );
  return tasks;
}

function handler(role: 'server' | 'agent'): Task {
  const service = role === 'server' ? 'k3s' : 'k3s-agent';
  // A fresh install has just started the service with this configuration: no second start.
  return { name: `Restart ${service}`, 'ansible.builtin.service': { name: service, state: 'restarted' }, when: 'k3s_install is not changed' };
}

function playbook(plan: K3sPlan): JsonValue[] {
  const first = plan.first.name;
  const plays: JsonValue[] = [
    {
      name: `K3s first server (${first})`,
      hosts: first,
      become: true,
      gather_facts: false,
      tasks: [
        ...baseTasks(plan, 'server', false),
        {
          name: 'Wait for the join token',
          'ansible.builtin.wait_for': { path: K3S_NODE_TOKEN, timeout: 300 },
        },
        {
          name: 'Read the join token',
          'ansible.builtin.slurp': { src: K3S_NODE_TOKEN },
          register: 'k3s_node_token',
          no_log: true,
        },
      ],
      handlers: [handler('server')],
    },
  ];
  if (plan.servers.length > 1) {
    plays.push({
      name: `K3s servers joining ${first}`,
      hosts: `k3s_servers:!${first}`,
      become: true,
      gather_facts: false,
      // etcd members join one at a time.
      serial: 1,
      tasks: baseTasks(plan, 'server', true),
      handlers: [handler('server')],
    });
  }
  if (plan.agents.length) {
    plays.push({
      name: 'K3s agents',
      hosts: 'k3s_agents',
      become: true,
      gather_facts: false,
      tasks: baseTasks(plan, 'agent', true),
      handlers: [handler('agent')],
    });
  }
  return plays;
}

function ansibleCfg(): string {
  return [
    GENERATED_HEADER.trimEnd(),
    '# Run from this directory: ansible-playbook k3s.yml',
    '[defaults]',
    'inventory = inventory.yml',
    'interpreter_python = auto_silent',
    '',
    '[ssh_connection]',
    'pipelining = True',
    '',
  ].join('\n');
}

export const renderAnsible: InfraRenderer = (lab, root) => {
  const plan = k3sPlan(lab);
  if (!plan) return [];
  const dir = `${root}/ansible`;
  const files: RenderedFile[] = [
    yamlFile(`${dir}/inventory.yml`, [inventory(plan)]),
    yamlFile(`${dir}/k3s.yml`, [playbook(plan)]),
    { path: `${dir}/ansible.cfg`, contents: ansibleCfg() },
  ];
  return files;
};
