// A respondent without JavaScript, over plain HTTP: GET each page, POST each step's form (fields named
// after the question ids), follow the 303 redirects, keep the draft cookie. Used by tests and bench/forms.ts.
import { instrument } from '../../src/lib/instrument/survey';
import type { Answers, Section } from '../../src/lib/instrument/types';

export interface FormJourney {
	receipt: string | null;
	/** Every response's status, in order, for a test to check. */
	statuses: number[];
}

/** A step's form body from answers: one field per answer, named after the question id. */
export function stepBody(section: Section, answers: Answers): URLSearchParams {
	const body = new URLSearchParams();
	for (const q of section.questions) {
		const value = answers[q.id];
		if (value === undefined) continue;
		for (const v of Array.isArray(value) ? value : [value]) body.append(q.id, String(v));
	}
	return body;
}

export class FormClient {
	cookies = new Map<string, string>();
	statuses: number[] = [];
	constructor(readonly url: string) {}

	private remember(response: Response) {
		for (const c of response.headers.getSetCookie()) {
			const [pair, ...attributes] = c.split(';');
			const [name, value] = pair.split('=');
			if (attributes.some((a) => /max-age=0$/i.test(a.trim())) || value === '') this.cookies.delete(name.trim());
			else this.cookies.set(name.trim(), value);
		}
		this.statuses.push(response.status);
	}

	private headers(): Record<string, string> {
		return { accept: 'text/html', cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
	}

	async get(path: string): Promise<{ status: number; html: string }> {
		const response = await fetch(`${this.url}${path}`, { headers: this.headers(), redirect: 'manual' });
		this.remember(response);
		return { status: response.status, html: await response.text() };
	}

	/** Posts a form as a browser would; returns the redirect's location, or the page shown instead. */
	async post(path: string, body: URLSearchParams): Promise<{ status: number; location: string | null; html: string }> {
		const response = await fetch(`${this.url}${path}`, {
			method: 'POST',
			headers: { ...this.headers(), origin: this.url, 'content-type': 'application/x-www-form-urlencoded' },
			body,
			redirect: 'manual'
		});
		this.remember(response);
		return { status: response.status, location: response.headers.get('location'), html: await response.text() };
	}

	/** The whole survey: every step, the check page, "Send my answers", the confirmation. */
	async complete(answers: Answers): Promise<FormJourney> {
		let path = `/survey/${instrument.sections[0].id}`;
		for (const section of instrument.sections) {
			await this.get(path);
			const posted = await this.post(`/survey/${section.id}?/next`, stepBody(section, answers));
			if (posted.status !== 303 || !posted.location) return { receipt: null, statuses: this.statuses };
			path = posted.location;
		}
		const check = await this.get(path);
		const submissionId = /name="submissionId" value="([^"]+)"/.exec(check.html)?.[1] ?? '';
		const sent = await this.post(path, new URLSearchParams({ submissionId }));
		if (sent.status !== 303 || !sent.location) return { receipt: null, statuses: this.statuses };
		const done = await this.get(sent.location);
		return { receipt: /data-testid="receipt"[^>]*>([^<]+)</.exec(done.html)?.[1] ?? null, statuses: this.statuses };
	}
}
