import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A small tmpfs of its own, so a test can fill a disk or make it read-only without touching anything else. */
export interface SmallDisk {
  dir: string;
  /** Changes the mount options in place: `size=64m`, `ro`, `rw`. */
  remount(options: string): void;
  /** Writes a filler file until only `leaveBytes` are free (default: none); returns a function that deletes it. */
  fill(leaveBytes?: number): () => void;
  unmount(): void;
}

function mount(args: string[]): { ok: boolean; error: string } {
  const result = spawnSync('mount', args, { encoding: 'utf8' });
  return { ok: result.status === 0, error: (result.stderr || result.error?.message || '').trim() };
}

/**
 * Why a small disk cannot be had here, or undefined when it can: mounting a tmpfs needs root
 * (or CAP_SYS_ADMIN). Probed once, by mounting and unmounting one.
 */
export const smallDiskUnavailable: string | undefined = (() => {
  if (process.platform !== 'linux') return `mount -t tmpfs needs Linux, not ${process.platform}`;
  if (process.getuid?.() !== 0) return 'mount -t tmpfs needs root (run the suite as root, e.g. in its container)';
  const dir = mkdtempSync(join(tmpdir(), 'replywatch-probe-'));
  const probe = mount(['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]);
  const remount = probe.ok ? mount(['-o', 'remount,ro', dir]) : probe;
  spawnSync('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
  if (!probe.ok) return `mount -t tmpfs failed: ${probe.error}`;
  if (!remount.ok) return `mount -o remount,ro failed: ${remount.error}`;
  return undefined;
})();

export function smallDisk(sizeMiB: number): SmallDisk {
  const dir = mkdtempSync(join(tmpdir(), 'replywatch-disk-'));
  const mounted = mount(['-t', 'tmpfs', '-o', `size=${sizeMiB}m`, 'tmpfs', dir]);
  if (!mounted.ok) throw new Error(`cannot mount a tmpfs on ${dir}: ${mounted.error}`);
  let unmounted = false;
  let fillers = 0;
  const unmount = (): void => {
    if (unmounted) return;
    unmounted = true;
    spawnSync('umount', ['-l', dir]);
    rmSync(dir, { recursive: true, force: true });
  };
  // Unmounted when the test process ends, whatever happened.
  process.once('exit', unmount);
  return {
    dir,
    remount(options) {
      const result = mount(['-o', `remount,${options}`, dir]);
      if (!result.ok) throw new Error(`remount ${options} failed: ${result.error}`);
    },
    fill(leaveBytes = 0) {
      const filler = join(dir, `filler-${fillers++}`);
      const { bavail, bsize } = statfsSync(dir);
      const fd = openSync(filler, 'w');
      try {
        // Up to what should stay free, then (when nothing should) on until a write fails.
        let left = Math.max(0, bavail * bsize - leaveBytes);
        const block = Buffer.alloc(1 << 20, 1);
        while (left > 0) left -= writeSync(fd, block, 0, Math.min(block.length, left));
        if (leaveBytes === 0) for (;;) writeSync(fd, block, 0, 512);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        closeSync(fd);
      }
      return () => rmSync(filler, { force: true });
    },
    unmount,
  };
}
