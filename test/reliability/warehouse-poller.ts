import { queryFile } from '../helpers/read-db.ts';

export interface PollerReport {
  reads: number;
  /** Reads that failed, with their error: each is a moment an analyst's query would have failed. */
  failures: string[];
  /** Every distinct build (meta_build.as_of and built_at) a read saw, in order. */
  builds: string[];
}

/**
 * Reads the warehouse read-only over and over, as an analyst or the API would, until stopped:
 * opens the file, reads meta_build and counts a mart, closes it.
 */
export function pollWarehouse(path: string, sql = 'select count(*) as n from fct_inquiries'): { stop(): Promise<PollerReport> } {
  const report: PollerReport = { reads: 0, failures: [], builds: [] };
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const [meta] = await queryFile(path, 'select cast(as_of as varchar) as as_of, cast(built_at as varchar) as built_at from meta_build');
        await queryFile(path, sql);
        const build = `${meta?.as_of} built ${meta?.built_at}`;
        if (report.builds[report.builds.length - 1] !== build) report.builds.push(build);
        report.reads += 1;
      } catch (error) {
        report.failures.push((error as Error).message.split('\n')[0]!);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return report;
    },
  };
}
