// A progress bar on stderr: redrawn in place on a terminal, a line per tenth otherwise.
export class Progress {
  constructor(total, label) {
    this.total = total;
    this.label = label;
    this.tty = process.stderr.isTTY;
    this.lastTenth = -1;
  }

  update(done, detail = '') {
    const width = 24;
    const filled = Math.round(width * done / this.total);
    const line = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${this.total} ${detail}`;
    if (this.tty) {
      process.stderr.write(`\r${line}\x1b[K${done === this.total ? '\n' : ''}`);
    } else {
      const tenth = Math.floor(10 * done / this.total);
      if (tenth !== this.lastTenth || done === this.total) process.stderr.write(`${line}\n`);
      this.lastTenth = tenth;
    }
  }
}
