/** Problems draw from their own random stream, so the town does not change with the count. */
export const PROBLEM_STREAM_SALT = 0x5bd1e995;

/** Reporters of public reports draw from a third stream, so adding them changed no other figure. */
export const REPORTER_STREAM_SALT = 0x2f6b9c41;

/** The assessment year (rounds, checks) draws from a fourth stream: adding it changed no other figure. */
export const ASSESSMENT_STREAM_SALT = 0x6c8e9cf5;
