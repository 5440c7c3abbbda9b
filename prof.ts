import { join } from 'node:path';
import { Database } from './src/lib/server/db/database';
import { instrument } from './src/lib/instrument/survey';
import { generateResponses } from './pipelines/synthetic';
import { tempDir } from './tests/helpers/server';
import { LiveCube } from './src/lib/server/analytics/live-cube';
import { dashboard } from './src/lib/server/analytics/dashboard';
import { NHS_DIGITAL_RULE } from './pipelines/disclosure';
import { loadSuccessMeasures, WORKFORCE_CSV } from './pipelines/reference';
const dir = tempDir();
const db = await Database.open(join(dir.path, 's.duckdb'), instrument);
await db.write(async (c) => { await generateResponses(c, { n: 3000, seed: 11, waveId: '2025-26' }); await generateResponses(c, { n: 3000, seed: 12, waveId: '2026-27', progress: 1 }); });
const settings = { rule: NHS_DIGITAL_RULE, measures: loadSuccessMeasures(), workforceCsv: WORKFORCE_CSV };
const cube = new LiveCube(db, { everySeconds: 3600, minNewResponses: 10 });
let t = performance.now();
await cube.use(settings.measures, async () => 0); console.log('build', Math.round(performance.now() - t));
for (const f of [{ scope: 'E92000001' }, { scope: 'E92000001', sector: 'hospital' }, { scope: 'E40000003' }]) {
  t = performance.now();
  await cube.use(settings.measures, (c) => dashboard(c, f, settings));
  console.log(JSON.stringify(f), Math.round(performance.now() - t));
}
// Stage by stage
import { respondents } from './pipelines/respondents';
import { distributions } from './pipelines/distributions';
import { needs } from './pipelines/needs';
import { shares } from './pipelines/shares';
import { coverage } from './pipelines/coverage';
import { successMeasures } from './pipelines/success-measures';
import { dashboardCharts } from './pipelines/charts';
import { wavesUpTo } from './pipelines/snapshot';
await cube.use(settings.measures, async (c) => {
  const { wave, waves } = await wavesUpTo(c);
  await c.run(`CREATE OR REPLACE TEMP TABLE dashboard_scope AS SELECT * FROM live_cube`);
  const ctx = { wave, waves, ...settings, cube: 'dashboard_scope' };
  const tables = [];
  for (const [name, st] of Object.entries({ respondents, distributions, needs, shares, coverage, successMeasures })) { t = performance.now(); tables.push(...(await (st as any)(c, ctx))); console.log(name, Math.round(performance.now() - t)); }
  t = performance.now(); dashboardCharts(tables, 'E92000001', wave.id); console.log('charts', Math.round(performance.now() - t));
});
await db.close(); dir.remove();
