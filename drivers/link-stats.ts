import type { DriveLinkStats, RetryCounts } from './contract.ts';

/** A driver's DriveLinkStats: its retry counts (kept by its ExchangeRetry) and the answer time of its last status read, which it notes. */
export class LinkStats implements DriveLinkStats {
  lastReadMs: number | undefined = undefined;

  constructor(readonly retries: RetryCounts) {}
}
