import { DuckDBInstance } from '@duckdb/node-api';

/** Reads a database file the server has released (DuckDB lets one process hold it at a time). */
export async function query(path: string, sql: string): Promise<Record<string, unknown>[]> {
	const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
	const connection = await instance.connect();
	try {
		return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
	} finally {
		connection.closeSync();
		instance.closeSync();
	}
}
