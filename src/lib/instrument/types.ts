/** The survey instrument as data. This shape is served by `survey.instrument` and read by
 *  external tools and the codebook: change it only by adding optional fields. */
export type QuestionType = 'single' | 'multi' | 'scale' | 'text';

export interface Option {
	code: string | number;
	label: string;
	/** Cannot be combined with other options of a multi question ("None of these"). */
	exclusive?: boolean;
}

export interface ShowIf {
	question: string;
	in: Array<string | number>;
}

export interface Question {
	id: string;
	type: QuestionType;
	label: string;
	hint?: string;
	required: boolean;
	options?: Option[];
	min?: number;
	max?: number;
	/** For text questions: the most characters accepted. */
	maxLength?: number;
	showIf?: ShowIf;
	/** The message when a required question is left unanswered, in NHS.UK style ("Select your staff group"). */
	error?: string;
	competency?: string;
	rating?: 'importance' | 'confidence';
	/** Which framework aim (1–4) the question serves, for the codebook. */
	aim?: 1 | 2 | 3 | 4;
}

export interface Section {
	id: string;
	title: string;
	intro?: string;
	questions: Question[];
}

export interface Instrument {
	id: string;
	version: string;
	title: string;
	sections: Section[];
}

export type AnswerValue = string | number | string[];
export type Answers = Record<string, AnswerValue>;
