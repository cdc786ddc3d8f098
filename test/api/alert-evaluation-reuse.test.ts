import { appendFileSync, cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secondsLate } from '../../api/alerts/alert.ts';
import { createAlertEngine, type AlertEngine, type Evaluation } from '../../api/alerts/alert-engine.ts';
import { openAlertState, type AlertState } from '../../api/alerts/alert-state.ts';
import { createLiveReplies } from '../../api/alerts/live-replies.ts';
import { createWarehouseReader, type WarehouseReader } from '../../api/warehouse/warehouse-reader.ts';
import { dataPaths, type DataPaths } from '../../lib/data-paths.ts';
import { queryFile } from '../helpers/read-db.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { buildScenario, CONTACTS, echoWebhook, OPENED_AT } from './scenario/alert-scenario.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Between two threshold crossings the API answers from its last comparison of every clock, only
 * re-timed (issue 7: one comparison costs ~100 ms at 100k open inquiries). This walks the clock
 * across every threshold of the scenario, with a reply landing and people snoozing and silencing
 * on the way, and requires the reusing engine to say exactly what a fresh comparison says.
 */
describe('alert evaluations reused between thresholds', () => {
  let paths: DataPaths;
  let reader: WarehouseReader;
  const states: AlertState[] = [];

  beforeAll(async () => {
    const built = await buildScenario();
    paths = dataPaths(tempDir('replywatch-reuse-'));
    cpSync(built.root, paths.root, { recursive: true });
    mkdirSync(paths.state, { recursive: true });
    reader = createWarehouseReader(paths.warehouse);
  });

  afterAll(() => {
    for (const state of states) state.close();
    reader.close();
  });

  function engineWith(state: AlertState, revision: () => number): AlertEngine {
    return createAlertEngine({ warehouse: reader, state, liveReplies: createLiveReplies(paths.landing), atRiskShare: 0.8, stateRevision: revision });
  }

  const summary = (evaluation: Evaluation) =>
    evaluation.alerts.map((alert) => `${alert.id} ${alert.severity} ${alert.status} late=${secondsLate(alert, evaluation.at)} template=${alert.requiresTemplate}`);

  it('matches a fresh comparison at every moment, thresholds and their neighbours included', async () => {
    const clocks = await queryFile(paths.warehouse, 'select fires_at, due_at, escalates_at, service_window_closes_at, started_at from rpt_alert_clocks');
    const moments = new Set<number>();
    for (const clock of clocks) {
      for (const value of Object.values(clock)) {
        if (!(value instanceof Date)) continue;
        for (const offset of [-1, 0, 1, 1000]) moments.add(value.getTime() + offset);
      }
      const started = (clock.started_at as Date).getTime();
      const due = (clock.due_at as Date).getTime();
      const atRisk = started + 0.8 * (due - started);
      for (const offset of [-1, 0, 1]) moments.add(atRisk + offset);
    }
    // Plus a walk in uneven steps, so most moments fall between thresholds.
    let step = 7;
    for (let time = OPENED_AT; time < OPENED_AT + 30 * HOUR; time += (step = (step * 31) % 97) * 23_000) moments.add(time);
    const times = [...moments].filter((time) => time >= OPENED_AT).sort((a, b) => a - b);
    expect(times.length).toBeGreaterThan(100);

    let revision = 0;
    const state = openAlertState(join(paths.state, 'reusing.ndjson'));
    states.push(state);
    const reusing = engineWith(state, () => revision);
    const replyAt = OPENED_AT + 40 * MINUTE;
    const snoozeAt = OPENED_AT + 3 * HOUR;
    const silenceFrom = OPENED_AT + 5 * HOUR;
    let reused = 0;
    let acted = { reply: false, snooze: false, silence: false };

    for (const time of times) {
      const now = new Date(time);
      if (!acted.reply && time >= replyAt) {
        // Meera gets her reply from the Business app; it lands after the build.
        const echo = `{"seq":1,"landed_at":"${now.toISOString()}","source":"test","record":${echoWebhook(CONTACTS.sales.waId, 'Fees are 45,000', replyAt)}}\n`;
        appendFileSync(join(paths.landing, 'whatsapp', 'zz-live.ndjson'), echo);
        acted.reply = true;
      }
      if (!acted.snooze && time >= snoozeAt) {
        const first = (await reusing.evaluate(now)).alerts[0]!;
        state.snooze(first.id, 'a_owner', now, new Date(time + 45 * MINUTE));
        revision += 1;
        acted.snooze = true;
      }
      if (!acted.silence && time >= silenceFrom) {
        state.addSilence({ kind: 'first_response_breach' }, new Date(silenceFrom + HOUR), new Date(silenceFrom + 2 * HOUR), 'a_owner', null);
        revision += 1;
        acted.silence = true;
      }

      const fromReuse = await reusing.evaluate(now);
      if (fromReuse.comparedAt.getTime() < time) reused += 1;
      // A fresh engine compares every clock; it shares the people's marks but nothing else.
      const fresh = await engineWith(state, () => 0).evaluate(now);
      expect(summary(fromReuse), now.toISOString()).toEqual(summary(fresh));
    }
    expect(acted).toEqual({ reply: true, snooze: true, silence: true });
    // The point of it: most moments were answered without comparing every clock again.
    expect(reused).toBeGreaterThan(times.length / 2);
  });

  it('compares again after an acknowledgement made while a comparison was running', async () => {
    const inner = openAlertState(join(paths.state, 'mid-comparison.ndjson'));
    states.push(inner);
    let revision = 0;
    let acknowledged: string | undefined;
    // The first alert built reads its marks, then someone acknowledges it before the comparison ends.
    const state: AlertState = {
      ...inner,
      marks(alertId) {
        const marks = inner.marks(alertId);
        if (!acknowledged) {
          acknowledged = alertId;
          inner.acknowledge(alertId, 'a_owner', new Date(OPENED_AT + 2 * HOUR), null);
          revision += 1;
        }
        return marks;
      },
    };
    const engine = engineWith(state, () => revision);
    const now = new Date(OPENED_AT + 2 * HOUR);
    const during = await engine.evaluate(now);
    expect(during.alerts.find((alert) => alert.id === acknowledged)?.status).toBe('firing');
    const after = await engine.evaluate(new Date(now.getTime() + 1000));
    expect(after.alerts.find((alert) => alert.id === acknowledged)?.status).toBe('acknowledged');
  });
});
