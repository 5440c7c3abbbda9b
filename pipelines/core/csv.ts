// CSV records as spreadsheets write them (RFC 4180 through csv-parse), for every file the core reads:
// imports, reference data, the perturbation table, settings uploads.
import { CsvError, parse } from 'csv-parse/sync';

const lineBreaks = (text: string) => (text.match(/\r\n|\n|\r/g) ?? []).length;

/** RFC 4180 records (csv-parse), each with the line it starts on (quoted fields may span lines).
 *  Any of CRLF, LF or CR ends a record, as spreadsheets export them; with `comments`, lines that
 *  begin with # are skipped. */
export function parseCsv(text: string, { comments = false } = {}): Array<{ line: number; fields: string[] }> {
	try {
		const records = parse(text, {
			bom: true,
			info: true,
			raw: true,
			relax_column_count: true,
			skip_empty_lines: true,
			record_delimiter: ['\r\n', '\n', '\r'],
			...(comments ? { comment: '#', comment_no_infix: true } : {})
		}) as unknown as Array<{ record: string[]; info: { lines: number } }>;
		// csv-parse counts the line a record ends on; a quoted field's line breaks move its start back.
		return records.map(({ record, info }) => ({ line: info.lines - lineBreaks(record.join('')), fields: record }));
	} catch (error) {
		if (error instanceof CsvError && error.code === 'CSV_QUOTE_NOT_CLOSED') {
			const { lines, raw } = error as CsvError & { lines: number; raw: string };
			throw new Error(
				`The CSV has an unclosed quote in the record starting on line ${lines - lineBreaks(raw.replace(/(\r\n|\n|\r)$/, ''))}`,
				{ cause: error }
			);
		}
		throw error;
	}
}
