export * from './types';
export { instrument } from './survey';
export { questionsOf, isVisible, pruneHidden, canonicalAnswers } from './questions';
export { answersSchema, fieldErrorsOf, requiredMessage } from './schema';
export { learningList, type LearningItem } from './learning';
