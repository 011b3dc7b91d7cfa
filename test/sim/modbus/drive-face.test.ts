import { describe, expect, it } from 'vitest';
import { BUILT_IN_PROFILES, loadDriveProfile } from '../../../protocols/profile-schema.ts';
import { VirtualClock } from '../../../src/common/virtual-clock.ts';
import { SimulatedDrive } from '../../../sim/simulated-drive.ts';
import { simOnVirtualClock, values } from './support/sim-harness.ts';

const model = { maxSpeedMmPerS: 200, maxAccelMmPerS2: 1000, trackingTimeConstantMs: 5 };

describe('SimulatedDrive as seen by a Modbus face', () => {
  it('executes a command at once without consulting the comm faults, and records it', async () => {
    const drive = new SimulatedDrive({ clock: new VirtualClock(), model });
    const records: string[] = [];
    drive.onRequest((r) => records.push(`${r.request.op} ${r.outcome}`));
    drive.injectFault({ kind: 'silent' });
    expect(drive.execute({ op: 'enable' })).toEqual({ ok: true });
    expect(drive.execute({ op: 'moveTo', targetMm: 5, speedMmPerS: 10 })).toEqual({ ok: true });
    drive.injectFault({ kind: 'alarm', code: 3 });
    expect(drive.execute({ op: 'enable' })).toEqual({ ok: false, reason: 'alarm', alarmCode: 3 });
    expect(records).toEqual(['enable applied', 'moveTo applied', 'enable refused']);
    expect(drive.stats()).toMatchObject({ received: 3, answered: 3, lost: 0, applied: { enable: 1, moveTo: 1 } });
  });

  it('routes requests through its comm faults with its seeded random source', async () => {
    const verdicts = (seed: number) => {
      const drive = new SimulatedDrive({ clock: new VirtualClock(), model, seed, baseLatencyMs: 2 });
      drive.injectFault({ kind: 'dropout', probability: 0.5 });
      drive.injectFault({ kind: 'slow', latencyMs: 30 });
      return Array.from({ length: 20 }, () => drive.routeRequest());
    };
    const first = verdicts(5);
    expect(verdicts(5)).toEqual(first);
    expect(first).toContainEqual({ kind: 'lost', cause: 'dropout' });
    expect(first).toContainEqual({ kind: 'delivered', latencyMs: 30, corrupt: false });
  });
});

describe('register image from the built-in profiles', () => {
  it.each(BUILT_IN_PROFILES.map((name) => [name]))('maps every field of %s', async (name) => {
    const profile = await loadDriveProfile(name);
    const { server } = simOnVirtualClock(profile);
    for (const [field, { address, type }] of Object.entries(profile.registers)) {
      const count = type === 'int32' || type === 'uint32' ? 2 : 1;
      expect(values(server.readHoldingRegisters(1, address, count)), field).toHaveLength(count);
    }
  });
});
