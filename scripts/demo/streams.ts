/** Problems draw from their own random stream, so the town does not change with the count. */
export const PROBLEM_STREAM_SALT = 0x5bd1e995;
