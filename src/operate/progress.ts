/**
 * The progress display of `hearth bootstrap`: one line per step. On a
 * terminal the running step is redrawn in place (spinner, elapsed time, the
 * latest state seen) and replaced by its result; otherwise each step prints
 * one plain line when it ends, so logs and pipes stay readable.
 */
import type { Progress, ProgressEvent } from './bootstrap.js';
import { formatDuration } from './kube.js';

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressDisplay {
  onProgress: Progress;
  /** Stop redrawing (the CLI calls it before printing anything else). */
  stop(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function progressDisplay(out: ProgressStream, opts: { tty?: boolean; color?: boolean } = {}): ProgressDisplay {
  const tty = opts.tty ?? !!out.isTTY;
  const color = tty && (opts.color ?? !process.env.NO_COLOR);
  const paint = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  let current: { step: string; since: number; detail?: string } | undefined;
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;

  const width = () => Math.max(40, (out.columns || 100) - 1);
  const fit = (s: string) => (s.length > width() ? `${s.slice(0, width() - 1)}…` : s);
  const draw = () => {
    if (!current) return;
    const elapsed = Date.now() - current.since;
    const line = `${FRAMES[frame++ % FRAMES.length]} ${current.step}${elapsed >= 1000 ? ` (${formatDuration(elapsed)})` : ''}${current.detail ? ` — ${current.detail}` : ''}`;
    out.write(`\r\x1b[2K${fit(line)}`);
  };
  const clear = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    if (tty && current) out.write('\r\x1b[2K');
  };

  const onProgress = (e: ProgressEvent) => {
    if (e.type === 'start') {
      clear();
      current = { step: e.step, since: Date.now() };
      if (tty) {
        draw();
        timer = setInterval(draw, 120);
        timer.unref();
      }
      return;
    }
    if (e.type === 'update') {
      if (current && current.step === e.step) current.detail = e.detail;
      if (tty) draw();
      return;
    }
    clear();
    current = undefined;
    if (e.type === 'done') {
      const detail = e.detail ? ` (${e.detail})` : '';
      out.write(tty ? `${paint('32', '✓')} ${e.step}${detail}\n` : `ok    ${e.step}${detail}\n`);
    } else {
      out.write(tty ? `${paint('31', '✗')} ${e.step}: ${e.detail}\n` : `FAIL  ${e.step}: ${e.detail}\n`);
    }
  };
  return {
    onProgress,
    stop: () => {
      clear();
      current = undefined;
    },
  };
}
