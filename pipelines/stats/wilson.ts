/** 95% Wilson score interval for x successes out of n, as proportions (0–1). Used rather than the
 *  normal approximation because it stays inside [0, 1] and behaves for small groups and extreme shares. */
export function wilson(x: number, n: number, z = 1.959963984540054): { low: number; high: number } | null {
	if (!(n > 0) || x < 0 || x > n) return null;
	const p = x / n;
	const z2 = z * z;
	const denominator = 1 + z2 / n;
	const centre = (p + z2 / (2 * n)) / denominator;
	const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
	// At 0 or n the limit is exactly 0 or 1 (floating point would give 1e-17 or 0.9999…).
	return { low: x === 0 ? 0 : Math.max(0, centre - half), high: x === n ? 1 : Math.min(1, centre + half) };
}
