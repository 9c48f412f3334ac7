/**
 * VM templates with Packer (seed 004): one `<root>/packer/<template>.pkr.hcl`
 * per `infrastructure.proxmox.templates[]` entry of os ubuntu-24.04 or
 * debian-12, using the `proxmox-iso` builder of the hashicorp/proxmox plugin,
 * plus what the installer reads over Packer's HTTP server:
 * `http/<template>/user-data` + `meta-data` (Ubuntu autoinstall, NoCloud) or
 * `http/<template>/preseed.cfg` (Debian). The result is a cloud-init-ready
 * template with the template's VMID, which renderProxmox's VMs clone.
 *
 * `os: talos` templates get nothing here: Talos VMs boot Talos's nocloud
 * image (imported as a template by hand or by the Talos tooling), and the
 * machine configs come from the Talos renderer.
 *
 * Evidence (docs/infra/proxmox.md): plugin `~> 1.2.1` (release PR #284 of
 * hashicorp/packer-plugin-proxmox; `boot_iso` exists from 1.2.0); argument
 * names from the plugin's .web-docs/components/builder/iso/README.md; with
 * `iso_file` no checksum is needed (builder/proxmox/iso/config.go prepares the
 * ISO checksum only for `iso_url`); autoinstall without `identity` when a
 * `user-data` section is present (subiquity's autoinstall reference).
 *
 * No password anywhere: the build logs in over SSH with the operator's agent
 * and the public keys of infrastructure.ssh.keys; the user's password is locked.
 */
import type { LabModel } from '../../model/types.js';
import { GENERATED_HEADER, type RenderedFile } from '../files.js';
import type { InfraRenderer } from './index.js';
import { attr, block, comment, expr, hclFile, type HclEntry } from '../../lib/hcl.js';
import { toYaml, type JsonValue } from '../../lib/yaml-emit.js';
import { HCL_HEADER, VM_CPU_TYPE, gib, hostBridge, hostDatastore, pveNode, type TemplateSpec } from './proxmox.js';

/** hashicorp/proxmox Packer plugin: see the file comment. */
export const PACKER_PROXMOX_VERSION = '~> 1.2.1';

/** The Packer plugin wants the full API path. */
function apiUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/api2/json`;
}

/** A value inside single quotes for sh. */
function shQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

function ubuntuUserData(user: string, keys: string[]): string {
  const doc: JsonValue = {
    autoinstall: {
      version: 1,
      locale: 'en_US.UTF-8',
      keyboard: { layout: 'us' },
      // One root partition (no LVM): cloud-init grows it when the clone's disk is larger.
      storage: { layout: { name: 'direct' } },
      ssh: { 'install-server': true, 'allow-pw': false, 'authorized-keys': keys },
      packages: ['qemu-guest-agent', 'cloud-init'],
      // No identity section: with user-data present it is optional, and it would need a password hash.
      'user-data': {
        users: [{ name: user, groups: ['sudo'], shell: '/bin/bash', sudo: 'ALL=(ALL) NOPASSWD:ALL', lock_passwd: true, ssh_authorized_keys: keys }],
      },
    },
  };
  return `#cloud-config\n${GENERATED_HEADER}${toYaml(doc)}`;
}

function debianPreseed(name: string, user: string, keys: string[]): string {
  const late = [
    `in-target install -d -m 700 -o ${user} -g ${user} /home/${user}/.ssh`,
    `printf '%s\\n' ${keys.map(shQuote).join(' ')} > /target/home/${user}/.ssh/authorized_keys`,
    `in-target chown ${user}:${user} /home/${user}/.ssh/authorized_keys`,
    `in-target chmod 600 /home/${user}/.ssh/authorized_keys`,
    `echo ${shQuote(`${user} ALL=(ALL) NOPASSWD:ALL`)} > /target/etc/sudoers.d/${user}`,
    `in-target chmod 440 /etc/sudoers.d/${user}`,
  ].join('; ');
  return [
    GENERATED_HEADER.trimEnd(),
    `# Debian 12 preseed for the ${name} template (Packer serves it over HTTP).`,
    'd-i debian-installer/locale string en_US.UTF-8',
    'd-i keyboard-configuration/xkb-keymap select us',
    'd-i netcfg/choose_interface select auto',
    `d-i netcfg/get_hostname string ${name}`,
    'd-i netcfg/get_domain string localdomain',
    'd-i mirror/country string manual',
    'd-i mirror/http/hostname string deb.debian.org',
    'd-i mirror/http/directory string /debian',
    'd-i mirror/http/proxy string',
    '# No root login; the admin user has a locked password and logs in with the SSH keys.',
    'd-i passwd/root-login boolean false',
    'd-i passwd/make-user boolean true',
    `d-i passwd/user-fullname string ${user}`,
    `d-i passwd/username string ${user}`,
    'd-i passwd/user-password-crypted password !',
    'd-i clock-setup/utc boolean true',
    'd-i time/zone string Etc/UTC',
    'd-i clock-setup/ntp boolean true',
    '# One ext4 root partition, no swap (Kubernetes nodes run without swap).',
    'd-i partman-auto/disk string /dev/sda',
    'd-i partman-auto/method string regular',
    'd-i partman-auto/expert_recipe string root :: 2048 50 -1 ext4 $primary{ } $bootable{ } method{ format } format{ } use_filesystem{ } filesystem{ ext4 } mountpoint{ / } .',
    'd-i partman-auto/choose_recipe select root',
    'd-i partman-basicfilesystems/no_swap boolean false',
    'd-i partman-partitioning/confirm_write_new_label boolean true',
    'd-i partman/choose_partition select finish',
    'd-i partman/confirm boolean true',
    'd-i partman/confirm_nooverwrite boolean true',
    'tasksel tasksel/first multiselect standard, ssh-server',
    'd-i pkgsel/include string sudo qemu-guest-agent cloud-init',
    'd-i pkgsel/upgrade select full-upgrade',
    'popularity-contest popularity-contest/participate boolean false',
    'd-i grub-installer/only_debian boolean true',
    'd-i grub-installer/bootdev string default',
    'd-i finish-install/reboot_in_progress note',
    `d-i preseed/late_command string ${late}`,
    '',
  ].join('\n');
}

const UBUNTU_BOOT = [
  'c<wait>',
  "linux /casper/vmlinuz --- autoinstall ds='nocloud-net;s=http://{{ .HTTPIP }}:{{ .HTTPPort }}/'",
  '<enter><wait>',
  'initrd /casper/initrd',
  '<enter><wait>',
  'boot',
  '<enter>',
];

function debianBoot(name: string): string[] {
  return ['<esc><wait>', `auto url=http://{{ .HTTPIP }}:{{ .HTTPPort }}/preseed.cfg netcfg/get_hostname=${name} netcfg/get_domain=localdomain<enter>`];
}

/** Turn the installed VM into a clean cloud-init template: Proxmox's cloud-init drive configures each clone. */
function cleanup(os: 'ubuntu-24.04' | 'debian-12'): string[] {
  // Waits for the first boot's cloud-init, and returns at once where no datasource disabled it (Debian's build has none).
  const wait = 'sudo cloud-init status --wait || true';
  const common = ['sudo cloud-init clean --logs', 'sudo truncate -s 0 /etc/machine-id', 'sudo rm -f /var/lib/dbus/machine-id', 'sync'];
  if (os === 'ubuntu-24.04') {
    return [
      wait,
      '# the installer pins its own network config and turns cloud-init networking off: undo both',
      'sudo rm -f /etc/cloud/cloud.cfg.d/subiquity-disable-cloudinit-networking.cfg /etc/cloud/cloud.cfg.d/99-installer.cfg /etc/netplan/00-installer-config.yaml',
      "echo 'datasource_list: [NoCloud, ConfigDrive]' | sudo tee /etc/cloud/cloud.cfg.d/99-pve.cfg",
      ...common,
    ];
  }
  return [
    wait,
    '# the installer writes a DHCP stanza for the build NIC: leave the network to cloud-init',
    "printf 'auto lo\\niface lo inet loopback\\n\\nsource /etc/network/interfaces.d/*\\n' | sudo tee /etc/network/interfaces",
    ...common,
  ];
}

export const renderPacker: InfraRenderer = (lab: LabModel, root: string): RenderedFile[] => {
  const px = lab.spec.infrastructure?.proxmox;
  if (!px) return [];
  const ssh = lab.spec.infrastructure?.ssh;
  const user = ssh?.user ?? 'hearth';
  const keys = ssh?.keys ?? [];
  const files: RenderedFile[] = [];
  for (const t of px.templates) {
    if (t.os === 'talos') continue;
    const host = lab.spec.hosts.find((h) => h.name === t.host);
    if (!host) continue; // the semantic checks report an unknown host
    files.push({ path: `${root}/packer/${t.name}.pkr.hcl`, contents: packerFile(lab, t, host, user, keys, px) });
    if (t.os === 'ubuntu-24.04') {
      files.push({ path: `${root}/packer/http/${t.name}/user-data`, contents: ubuntuUserData(user, keys) });
      files.push({ path: `${root}/packer/http/${t.name}/meta-data`, contents: `${GENERATED_HEADER}instance-id: ${t.name}\n` });
    } else {
      files.push({ path: `${root}/packer/http/${t.name}/preseed.cfg`, contents: debianPreseed(t.name, user, keys) });
    }
  }
  return files;
};

function packerFile(
  lab: LabModel,
  t: TemplateSpec,
  host: LabModel['spec']['hosts'][number],
  user: string,
  keys: string[],
  px: NonNullable<NonNullable<LabModel['spec']['infrastructure']>['proxmox']>,
): string {
  const datastore = hostDatastore(host);
  const label = /^[a-z]/.test(t.name) ? t.name : `template-${t.name}`;
  const entries: (HclEntry | undefined | false)[] = [
    block('packer', [], [
      block('required_plugins', [], [attr('proxmox', { version: PACKER_PROXMOX_VERSION, source: 'github.com/hashicorp/proxmox' })]),
    ]),
    block('variable', ['proxmox_url'], [attr('description', 'Proxmox VE API URL, with /api2/json.'), attr('type', expr('string')), attr('default', apiUrl(px.endpoint))]),
    block('variable', ['proxmox_username'], [
      attr('description', 'API token id: user@realm!tokenid (the secret goes in proxmox_token).'),
      attr('type', expr('string')),
    ]),
    block('variable', ['proxmox_token'], [
      attr('description', 'API token secret; set PKR_VAR_proxmox_token, never a file in git.'),
      attr('type', expr('string')),
      attr('sensitive', true),
    ]),
    block('variable', ['proxmox_insecure'], [attr('description', 'Accept a self-signed API certificate.'), attr('type', expr('bool')), attr('default', px.insecure)]),
    block('variable', ['iso_file'], [
      attr('description', 'Installer ISO volume on the node.'),
      attr('type', expr('string')),
      attr('default', t.iso),
    ]),
    !t.iso && comment(`templates[${t.name}] has no iso: pass -var iso_file=local:iso/<installer>.iso`),
    keys.length === 0 && comment('infrastructure.ssh.keys is empty: the build cannot log in over SSH until keys are added to the spec.'),
    block('source', ['proxmox-iso', label], [
      attr('proxmox_url', expr('var.proxmox_url')),
      attr('username', expr('var.proxmox_username')),
      attr('token', expr('var.proxmox_token')),
      attr('insecure_skip_tls_verify', expr('var.proxmox_insecure')),
      attr('node', pveNode(host)),
      attr('vm_id', t.vmId),
      attr('vm_name', t.name),
      attr('template_name', t.name),
      attr('template_description', `${t.os} cloud-init template of ${lab.name} (built by Packer from hearth)`),
      attr('tags', `hearth;${t.os};template`),
      attr('os', 'l26'),
      attr('cpu_type', VM_CPU_TYPE),
      attr('cores', 2),
      attr('memory', 2048),
      attr('scsi_controller', 'virtio-scsi-single'),
      attr('qemu_agent', true),
      block('boot_iso', [], [attr('type', 'ide'), attr('iso_file', expr('var.iso_file')), attr('unmount', true)]),
      comment('The VMs cloning this template repeat these disk settings for scsi0 (../tofu/vms.tf).'),
      block('disks', [], [
        attr('type', 'scsi'),
        attr('storage_pool', datastore),
        attr('disk_size', `${gib(t.disk)}G`),
        attr('format', 'raw'),
        attr('discard', true),
        attr('ssd', true),
        attr('io_thread', true),
      ]),
      block('network_adapters', [], [attr('model', 'virtio'), attr('bridge', hostBridge(host))]),
      attr('cloud_init', true),
      attr('cloud_init_storage_pool', datastore),
      comment(`The installer fetches its answers from Packer's HTTP server: the build VM needs DHCP on ${hostBridge(host)} and a route back to this machine.`),
      attr('http_directory', expr(`"\${path.root}/http/${t.name}"`)),
      attr('boot_wait', '10s'),
      attr('boot_command', t.os === 'ubuntu-24.04' ? UBUNTU_BOOT : debianBoot(t.name)),
      attr('ssh_username', user),
      attr('ssh_agent_auth', true),
      attr('ssh_timeout', '45m'),
    ]),
    block('build', [], [
      attr('sources', [`source.proxmox-iso.${label}`]),
      block('provisioner', ['shell'], [attr('inline', cleanup(t.os === 'debian-12' ? 'debian-12' : 'ubuntu-24.04'))]),
    ]),
  ];
  return hclFile(entries, HCL_HEADER);
}
