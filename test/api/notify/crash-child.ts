// Run as a child process by restart.test.ts: notifies one alert against a receiver that holds the
// request open, so the parent can SIGKILL this process with the delivery in flight.
import { createNotifier } from '../../../api/notify/notifier.ts';
import { makeAlert } from './make-alert.ts';
import { START } from './notifier-harness.ts';

const [journalPath, webhookUrl] = process.argv.slice(2);
const notifier = createNotifier({
  config: { webhookUrls: { '*': webhookUrl! }, groupWaitSeconds: 0, repeatIntervalSeconds: 3600, maxAttempts: 3 },
  muteWindows: [],
  timezone: 'Asia/Kolkata',
  journalPath: journalPath!,
  now: () => new Date(START),
  log: () => {},
});
notifier.update([makeAlert({ id: 'alert-in-flight' })]);
await notifier.flush();
