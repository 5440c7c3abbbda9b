// Small helpers every stage shares: typed reads from DuckDB and safe identifiers/literals for
// SQL generated from the instrument and the reference data.
import type { DuckDBConnection, DuckDBPreparedStatement, DuckDBResultReader, DuckDBValue } from '@duckdb/node-api';

export type Row = Record<string, unknown>;

/** Statements prepared on connections that keep them, by their SQL. The stages' SQL is wide (hundreds
 *  of aggregates) and the dashboard runs the same text for every filter change over a few thousand
 *  cube rows: kept, a statement is parsed, bound and planned once, which is most of what it costs.
 *  DuckDB plans a statement afresh whenever it has parameters or a table of its database has been
 *  created or replaced since, so the stages write their values into the SQL, and the dashboard's views
 *  select by a row of chosen filters that is updated, not replaced. Once planned afresh, a statement is
 *  planned afresh at every run after (DuckDB 1.5: a rebound statement no longer counts as bound), so
 *  after creating or replacing a table the kept statements are dropped (forgetPrepared). Only for
 *  connections whose plans rest on no statistics of rows that change (engine.ts): a plan can be
 *  rewritten by them. */
const prepared = new WeakMap<DuckDBConnection, Map<string, DuckDBPreparedStatement>>();
const PREPARED_PER_CONNECTION = 500;

/** Makes `rows` keep its statements prepared on `c` (see `prepared`). */
export const keepPrepared = (c: DuckDBConnection) => void prepared.set(c, prepared.get(c) ?? new Map());

/** How many statements `c` keeps prepared. */
export const keptStatements = (c: DuckDBConnection): number => prepared.get(c)?.size ?? 0;

/** Drops the statements kept on `c`, after a table of its database was created or replaced: they would
 *  be planned again at every run (see `prepared`), and are prepared afresh at their next. */
export function forgetPrepared(c: DuckDBConnection) {
	const statements = prepared.get(c);
	if (!statements) return;
	for (const statement of statements.values()) statement.destroySync();
	statements.clear();
}

async function run(c: DuckDBConnection, sql: string, params: DuckDBValue[]): Promise<DuckDBResultReader> {
	const statements = prepared.get(c);
	if (!statements) return c.runAndReadAll(sql, params);
	let statement = statements.get(sql);
	if (!statement) {
		statement = await c.prepare(sql);
		if (statements.size >= PREPARED_PER_CONNECTION) {
			const [oldest, dropped] = statements.entries().next().value!;
			statements.delete(oldest);
			dropped.destroySync();
		}
		statements.set(sql, statement);
	}
	try {
		statement.clearBindings();
		if (params.length) statement.bind(params);
		return await statement.runAndReadAll();
	} catch (error) {
		// DuckDB binds a statement again by itself when a table it reads is replaced; after a failure
		// (an interrupted query, a bad value) it is prepared afresh next time.
		statements.delete(sql);
		statement.destroySync();
		throw error;
	}
}

/** Told how long each statement `rows` runs took (bench/first-views.ts); none unless set. */
let statementTimer: ((sql: string, ms: number) => void) | undefined;

/** Sets (or, with undefined, clears) the function told each statement's time: for profiling only. */
export const timeStatements = (timer: typeof statementTimer) => void (statementTimer = timer);

/** Rows as plain JS values; BIGINT/HUGEINT come back as bigint, which JSON and arquero cannot carry. */
export async function rows<T = Row>(c: DuckDBConnection, sql: string, params: DuckDBValue[] = []): Promise<T[]> {
	const started = statementTimer && performance.now();
	const reader = await run(c, sql, params);
	if (started !== undefined) statementTimer?.(sql, performance.now() - started);
	return reader.getRowObjectsJS().map((r) => {
		const out: Row = {};
		for (const [k, v] of Object.entries(r)) out[k] = typeof v === 'bigint' ? Number(v) : v;
		return out as T;
	});
}

/** Rows of `select` beside named BIGINT aggregates (`sums`: [SQL, name]), over `rest` (FROM … GROUP BY).
 *  DuckDB returns the aggregates as one list, one column of the result rather than one each: its time
 *  goes on the result's columns, not its rows (BENCHMARKS.md, thirteenth sitting). Set out here by name,
 *  as numbers (null stays null). */
export async function rowsOfSums(
	c: DuckDBConnection,
	select: string,
	sums: Array<[sql: string, name: string]>,
	rest: string
): Promise<Row[]> {
	const data = await rows<Row & { sums_list: Array<bigint | null> }>(
		c,
		`SELECT ${select}, [${sums.map(([sql]) => sql).join(', ')}] AS sums_list ${rest}`
	);
	return data.map(({ sums_list, ...row }) => {
		const out: Row = row;
		sums.forEach(([, name], i) => (out[name] = sums_list[i] === null ? null : Number(sums_list[i])));
		return out;
	});
}

/** Identifiers come from the instrument (question ids) and reference data: allow only plain names. */
export function ident(name: string): string {
	if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`Not a plain SQL identifier: ${name}`);
	return `"${name}"`;
}

/** Text in the order DuckDB sorts it (by bytes: the same as JS for the ASCII codes of the reference data). */
export const textOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;

export const literalList = (values: string[]) => `[${values.map(literal).join(', ')}]`;
