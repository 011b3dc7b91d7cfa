import { describe, expect, it } from 'vitest';
import { EventEmitter } from '../../src/common/event.ts';
import { VirtualClock } from '../../src/common/virtual-clock.ts';
import type { ServiceEvent } from '../../src/events/events.ts';
import { MAX_RECORDED_FATALS, startRunService } from '../../src/service/run-service.ts';

describe('startRunService', () => {
  it('records the first few fatal errors of a run and only ends the run for the rest, so a failing crash report cannot loop', async () => {
    const clock = new VirtualClock();
    const fatal = new EventEmitter<unknown>();
    const recorded: ServiceEvent[] = [];
    let ends = 0;
    const service = startRunService({
      clock,
      stopClock: clock,
      supervisor: { onFatal: fatal.event, onEvent: new EventEmitter<never>().event, ticks: 0, snapshot: () => [], jobs: () => [] },
      periodMs: 10,
      env: {},
      record: (event) => recorded.push(event),
      onFatal: () => ends++,
      exit: () => undefined,
      warn: () => undefined,
    });
    for (let i = 0; i < 50; i++) fatal.emit(new Error(`failure ${i}`));
    await service.close();

    expect(recorded.map((e) => e.type === 'fatal' && e.error)).toEqual(['failure 0', 'failure 1', 'failure 2']);
    expect(recorded).toHaveLength(MAX_RECORDED_FATALS);
    expect(ends).toBe(50);
  });
});
