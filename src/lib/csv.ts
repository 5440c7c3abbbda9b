import { withoutControls } from './text';

/** Cells a spreadsheet would run as a formula get a leading apostrophe: OWASP's list (=, +, -, @, tab,
 *  carriage return), also when spaces, line breaks, NUL or invisible characters come first, since
 *  spreadsheets skip those before reading a formula. */
export const neutralise = (value: string) => (/^[\s\p{C}]*[=+\-@]/u.test(value) || /^[\t\r]/.test(value) ? `'${value}` : value);

/** Text as every export writes it: invisible controls removed, then formulas neutralised. */
export const csvText = (value: string) => neutralise(withoutControls(value));

/** CSV text (RFC 4180 quoting) with formula cells neutralised; numbers stay numbers. */
export function csvOf(columns: string[], rows: Record<string, unknown>[]): string {
	const cell = (v: unknown) => {
		if (v === null || v === undefined) return '';
		if (typeof v === 'number' || typeof v === 'boolean') return String(v);
		const text = csvText(String(v));
		return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
	};
	return [columns.map((c) => cell(c)).join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';
}
