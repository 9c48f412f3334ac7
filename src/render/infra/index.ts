/**
 * The machine layer of a rendered lab: what makes the hosts' guests and
 * turns them into cluster nodes. Each renderer reads the model (the spec's
 * hosts, nodes, cluster and infrastructure blocks) and returns files under
 * one root: `infrastructure/` in the plain-Helm layout (seed 001's repository
 * shape: infrastructure/k3s/install-master.sh), `infra/` beside a GitOps
 * layout (whose `infrastructure/` tree belongs to Flux).
 *
 *   <root>/tofu/       OpenTofu for Proxmox: VMs, data disks, containers, SDN
 *   <root>/frr/        FRR configuration of the SDN underlay, per hypervisor
 *   <root>/packer/     VM template builds
 *   <root>/k3s/        per-node config.yaml, install scripts, kubeconfig setup
 *   <root>/ansible/    inventory and playbook doing what the scripts do
 *   <root>/talos/      talhelper talconfig.yaml and machine-config patches
 *   <root>/lima/       a VM file per node and the Terraform glue
 *   <root>/cni/        the CNI (Cilium, Calico) bootstrap: values and install script, before GitOps takes over
 */
import type { LabModel } from '../../model/types.js';
import type { RenderedFile } from '../files.js';
import { infraRoot } from './root.js';
import { renderAnsible } from './ansible.js';
import { renderCni } from './cni.js';
import { renderFrr } from './frr.js';
import { renderK3s } from './k3s.js';
import { renderLima } from './lima.js';
import { renderPacker } from './packer.js';
import { renderProxmox } from './proxmox.js';
import { renderTalos } from './talos.js';

export type InfraRenderer = (lab: LabModel, root: string) => RenderedFile[];

export { infraRoot };

const renderers: InfraRenderer[] = [renderProxmox, renderFrr, renderPacker, renderLima, renderK3s, renderAnsible, renderTalos, renderCni];

export function renderInfra(lab: LabModel): RenderedFile[] {
  const root = infraRoot(lab);
  return renderers.flatMap((r) => r(lab, root));
}
