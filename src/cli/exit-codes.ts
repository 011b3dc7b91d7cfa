/** Exit codes of the CLI (README, "Outcomes and exit codes"). */
export const EXIT_OK = 0;
/** An internal error, a crash (after holding every axis), a failed start, a shutdown over its bound. */
export const EXIT_ERROR = 1;
/** A config, drive profile, log level or journal refused at start. */
export const EXIT_BAD_CONFIG = 2;
/** `axisguard run` ended with work not done: parked or interrupted jobs, or a hold no drive confirmed. */
export const EXIT_INCOMPLETE = 3;
