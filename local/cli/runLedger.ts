// The run's ledger at the end of a CLI run: reconciled against the aggregates table and the dead letters, printed
// as one paragraph, and an E_LEDGER error when the numbers do not add up.
import { createAggregateTable } from '../../functions/adapters/aggregateTable.ts';
import { createBlobStore } from '../../functions/adapters/blobs.ts';
import { createRunLedger } from '../../functions/adapters/runLedger.ts';
import type { Clients } from '../../functions/app/definition.ts';
import { RESOURCES } from '../../functions/config/settings.ts';
import type { RunReport } from '../../functions/core/ledger/reconcile.ts';
import { reconcileRun } from '../../functions/ledger/reconcileRun.ts';
import { CLIError } from './errors.ts';

export async function readRunLedger(clients: Clients, runId: string): Promise<RunReport> {
  const report = await reconcileRun(
    {
      ledger: createRunLedger(clients.table(RESOURCES.runsTable)),
      aggregates: createAggregateTable(clients.table(RESOURCES.aggregatesTable)),
      blobs: createBlobStore(clients.blobService()),
      deadletterContainer: RESOURCES.deadletterContainer,
    },
    runId,
  );
  if (!report) throw new CLIError('E_LEDGER', `run ${runId} left no ledger: the city file was never ingested`);
  return report;
}

export function formatRunLedger(report: RunReport): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const d = report.cityDays;
  return [
    `Run ${report.runId}: ${n(report.cities.accepted)} cities accepted` +
      (report.cities.duplicateLines > 0 ? ` (${n(report.cities.duplicateLines)} repeated line${report.cities.duplicateLines === 1 ? '' : 's'} merged)` : '') +
      `, ${n(report.cities.rejected)} lines rejected, ${n(report.jobs.planned)} jobs`,
    `  city-days requested ${n(d.requested)} = aggregated ${n(d.aggregated)} + dead-lettered ${n(d.deadLettered)} + not fetched ${n(d.notFetched)}` +
      (d.unaccounted > 0 ? ` + UNACCOUNTED ${n(d.unaccounted)}` : ''),
    `  fetched ${n(d.fetched)} (${n(d.missing)} with no reading${d.synthetic > 0 ? `, ${n(d.synthetic)} SYNTHETIC: made up by the stand-in, not weather` : ''}), published ${n(d.published)} · ${report.balanced ? 'balanced' : 'NOT BALANCED'}`,
  ].join('\n');
}

export function assertBalanced(report: RunReport): void {
  if (report.balanced) return;
  const why = report.state === 'running' ? [`${report.jobs.pending} job(s) never reported an outcome`] : report.problems;
  throw new CLIError('E_LEDGER', `the run's ledger does not reconcile:\n  ${why.join('\n  ')}`);
}
