/** A one-line progress bar on a terminal stream (stderr), redrawn at most every 100 ms. */

export interface Progress {
  /** Records done so far. */
  update(done: number): void;
  /** Draws the final state and ends the line. */
  finish(done: number): void;
}

const WIDTH = 30;

export function progressBar(stream: NodeJS.WritableStream & { columns?: number }, total: number, label: string, now: () => number = Date.now): Progress {
  const started = now();
  let last = 0;
  const draw = (done: number) => {
    const ratio = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(ratio * WIDTH);
    const seconds = (now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    stream.write(
      `\r${label} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}% ` +
        `${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${rate.toLocaleString('en-US')}/s ${seconds.toFixed(1)}s\x1b[K`,
    );
  };
  return {
    update(done) {
      const t = now();
      if (t - last < 100) return;
      last = t;
      draw(done);
    },
    finish(done) {
      draw(done);
      stream.write('\n');
    },
  };
}
