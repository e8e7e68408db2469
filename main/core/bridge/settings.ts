/** Per-user window settings in a JSON file: validated on read and write, written atomically. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { SettingsSchema, type Settings } from '../../../shared/bridge/contract';

export class SettingsStore {
  private current: Settings = SettingsSchema.parse({});
  /** Writes one at a time: two windows saving at once must not race on the file. */
  private writing: Promise<unknown> = Promise.resolve();
  private writes = 0;

  private constructor(private readonly file: string) {}

  /** A missing or damaged file gives the defaults (and is replaced on the next write). */
  static async open(file: string): Promise<SettingsStore> {
    const s = new SettingsStore(file);
    try {
      const parsed = SettingsSchema.safeParse(JSON.parse(await fs.readFile(file, 'utf8')));
      if (parsed.success) s.current = parsed.data;
    } catch {
      // first start, or a file someone broke: defaults
    }
    return s;
  }

  get(): Settings {
    return this.current;
  }

  patch(patch: Partial<Settings>): Promise<Settings> {
    const run = async (): Promise<Settings> => {
      const next = SettingsSchema.parse({ ...this.current, ...patch, rev: (this.current.rev ?? 0) + 1 });
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.${++this.writes}.tmp`;
      await fs.writeFile(tmp, JSON.stringify(next, null, 2));
      await fs.rename(tmp, this.file);
      this.current = next;
      return next;
    };
    const p = this.writing.then(run, run);
    this.writing = p.catch(() => undefined);
    return p;
  }
}
