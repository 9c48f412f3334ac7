/**
 * `defineLab()` for `hearth.config.ts`: identity at run time, full type
 * checking and completion at edit time.
 *
 * @example
 * import { defineLab } from 'hearth';
 * export default defineLab({ name: 'home-lab', domain: 'home.example.com', ... });
 */
import type { LabInput } from './spec/schema.js';

export function defineLab(lab: LabInput): LabInput {
  return lab;
}
