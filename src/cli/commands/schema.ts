import { labJsonSchema } from '../../spec/schema.js';
import type { ExitCode } from '../output.js';

export async function schema(): Promise<ExitCode> {
  process.stdout.write(JSON.stringify(labJsonSchema(), null, 2) + '\n');
  return 0;
}
