// The app the benchmark's service makes sure of, shared by the server process and the load.

/** API key of the benchmark app. */
export const BENCH_API_KEY = 'bench-key';
/** API secret of the benchmark app. */
export const BENCH_API_SECRET = 'bench-secret-0123456789';
