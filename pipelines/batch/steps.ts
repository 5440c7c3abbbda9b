// Every step of a batch run, for its progress: the snapshot, the stages, then charts, reports and files.
// Apart from run.ts, so the server shows a run's progress without loading the charts' libraries until
// a run starts.
import { STAGES } from '../stages';

export const RUN_STEPS = ['snapshot', ...STAGES.map((s) => s.name), 'charts', 'reports', 'pdfs', 'publish'];
