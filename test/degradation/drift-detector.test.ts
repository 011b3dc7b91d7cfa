import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/common/random.ts';
import { DriftDetector, type DriftChange } from '../../src/degradation/drift-detector.ts';

const OPTIONS = { warmupObservations: 24, k: 0.5, h: 16, recoverObservations: 12, absoluteFloor: 0.01, relativeFloor: 0 };

/** A standard normal draw (Box-Muller) from `random`. */
const normal = (random: () => number) => () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

function feed(detector: DriftDetector, values: readonly number[]): DriftChange[] {
  return values.map((v) => detector.observe(v));
}

describe('DriftDetector (one-sided CUSUM on a learned baseline)', () => {
  it('learns the baseline mean and standard deviation over its warm-up, then watches', () => {
    const detector = new DriftDetector(OPTIONS);
    const changes = feed(
      detector,
      Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? 9 : 11)),
    );
    expect(changes.filter((c) => c !== undefined)).toEqual(['learned']);
    expect(changes.at(-1)).toBe('learned');
    expect(detector.baseline?.mean).toBeCloseTo(10, 9);
    expect(detector.baseline?.sd).toBeCloseTo(1.02, 2);
  });

  it('raises no alarm on 200000 observations of noise around the baseline (about 11 days of 5 s windows)', () => {
    const draw = normal(seededRandom(42));
    const detector = new DriftDetector(OPTIONS);
    const changes = feed(
      detector,
      Array.from({ length: 200_000 }, () => 10 + draw()),
    );
    expect(changes.filter((c) => c === 'degraded')).toEqual([]);
  });

  it('flags a sustained shift of 3 standard deviations within a dozen observations, and a small drift that no single observation shows', () => {
    const draw = normal(seededRandom(7));
    const shifted = new DriftDetector(OPTIONS);
    feed(
      shifted,
      Array.from({ length: 24 }, () => 10 + draw()),
    );
    const afterShift = feed(
      shifted,
      Array.from({ length: 30 }, () => 13 + draw()),
    );
    expect(afterShift.indexOf('degraded')).toBeGreaterThanOrEqual(0);
    expect(afterShift.indexOf('degraded')).toBeLessThan(12);

    // 1.2 standard deviations above: inside any 3-sigma limit every time, yet it adds up.
    const drifting = new DriftDetector(OPTIONS);
    feed(
      drifting,
      Array.from({ length: 24 }, () => 10 + draw()),
    );
    expect(
      feed(
        drifting,
        Array.from({ length: 200 }, () => 11.2 + 0.2 * draw()),
      ),
    ).toContain('degraded');
  });

  it('recovers after a run of calm observations, and ignores a signal getting better', () => {
    const detector = new DriftDetector(OPTIONS);
    feed(
      detector,
      Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? 9 : 11)),
    );
    expect(
      feed(
        detector,
        Array.from({ length: 200 }, () => 5),
      ),
    ).not.toContain('degraded');
    expect(
      feed(
        detector,
        Array.from({ length: 20 }, () => 20),
      ),
    ).toContain('degraded');
    const calm = feed(
      detector,
      Array.from({ length: 12 }, () => 10),
    );
    expect(calm.at(-1)).toBe('recovered');
    expect(calm.slice(0, -1)).not.toContain('recovered');
    expect(detector.degraded).toBe(false);
  });

  it('uses its floor as the scale of a signal without noise, so a trifle is no alarm', () => {
    const detector = new DriftDetector({ ...OPTIONS, absoluteFloor: 0.5, relativeFloor: 0.1 });
    feed(
      detector,
      Array.from({ length: 24 }, () => 1.5),
    );
    expect(
      feed(
        detector,
        Array.from({ length: 1000 }, () => 1.7),
      ),
    ).not.toContain('degraded');
    expect(
      feed(
        detector,
        Array.from({ length: 20 }, () => 3),
      ),
    ).toContain('degraded');
  });

  it('watches at once with a restored baseline, and learns again after a relearn', () => {
    const detector = new DriftDetector(OPTIONS);
    detector.restore({ mean: 10, sd: 1 });
    expect(
      feed(
        detector,
        Array.from({ length: 10 }, () => 15),
      ),
    ).toContain('degraded');
    detector.relearn();
    expect(detector.baseline).toBeUndefined();
    expect(detector.degraded).toBe(false);
    expect(
      feed(
        detector,
        Array.from({ length: 24 }, () => 15),
      ).at(-1),
    ).toBe('learned');
  });
});
