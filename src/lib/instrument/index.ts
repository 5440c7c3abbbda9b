export * from './types';
export { instrument } from './survey';
export { questionsOf, isVisible, pruneHidden, canonicalAnswers } from './questions';
export { answersSchema, fieldErrorsOf, requiredMessage } from './schema';
export { learningList, learningListText, type LearningItem } from './learning';
export {
	answersFromForm,
	answerText,
	conditionText,
	errorLinks,
	firstIncompleteSection,
	sectionOf,
	stepSchema,
	type SummaryError
} from './form';
