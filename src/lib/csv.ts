/** Cells a spreadsheet would run as a formula (OWASP's list) get a leading apostrophe. */
export const neutralise = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

/** CSV text (RFC 4180 quoting) with formula cells neutralised; numbers stay numbers. */
export function csvOf(columns: string[], rows: Record<string, unknown>[]): string {
	const cell = (v: unknown) => {
		if (v === null || v === undefined) return '';
		if (typeof v === 'number' || typeof v === 'boolean') return String(v);
		const text = neutralise(String(v));
		return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
	};
	return [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';
}
