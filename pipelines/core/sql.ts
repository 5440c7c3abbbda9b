// Small helpers every stage shares: typed reads from DuckDB and safe identifiers/literals for
// SQL generated from the instrument and the reference data.
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';

export type Row = Record<string, unknown>;

/** Rows as plain JS values; BIGINT/HUGEINT come back as bigint, which JSON and arquero cannot carry. */
export async function rows<T = Row>(c: DuckDBConnection, sql: string, params: DuckDBValue[] = []): Promise<T[]> {
	const reader = await c.runAndReadAll(sql, params);
	return reader.getRowObjectsJS().map((r) => {
		const out: Row = {};
		for (const [k, v] of Object.entries(r)) out[k] = typeof v === 'bigint' ? Number(v) : v;
		return out as T;
	});
}

/** Identifiers come from the instrument (question ids) and reference data: allow only plain names. */
export function ident(name: string): string {
	if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`Not a plain SQL identifier: ${name}`);
	return `"${name}"`;
}

export const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;

export const literalList = (values: string[]) => `[${values.map(literal).join(', ')}]`;
