import * as pulumi from '@pulumi/pulumi';
import * as bigquery from '@pulumi/gcp/bigquery';
import type { Plan, PlanSink } from '../../../lib/plan/types';
import { bigQueryTableId, type GcpSettings } from '../layout';

export interface WarehouseTablesArgs {
  readonly plan: Plan;
  /** Warehouse sinks on GCP. */
  readonly sinks: readonly PlanSink[];
  readonly settings: GcpSettings;
  /** The Pub/Sub service agent: BigQuery subscriptions write as it. */
  readonly serviceAgentMember: pulumi.Input<string>;
}

/**
 * The table a BigQuery subscription writes with `writeMetadata` and no
 * topic schema: the message data plus Pub/Sub's metadata columns, the
 * attributes (device id, topic variables, promoted fields) as JSON.
 * `data` is JSON when every topic routed to the sink carries JSON, BYTES
 * otherwise. Partitioned by publish day.
 */
export function warehouseSchema(plan: Plan, sink: string): Array<{ name: string; type: string; mode: string }> {
  const topics = plan.routes.filter((r) => r.to.includes(sink)).map((r) => plan.topics.find((t) => t.name === r.from));
  const json = topics.length > 0 && topics.every((t) => t?.format === 'json');
  return [
    { name: 'subscription_name', type: 'STRING', mode: 'NULLABLE' },
    { name: 'message_id', type: 'STRING', mode: 'NULLABLE' },
    { name: 'publish_time', type: 'TIMESTAMP', mode: 'NULLABLE' },
    { name: 'data', type: json ? 'JSON' : 'BYTES', mode: 'NULLABLE' },
    { name: 'attributes', type: 'JSON', mode: 'NULLABLE' },
  ];
}

/**
 * A BigQuery dataset with a table per warehouse sink (or the sink's
 * existing table, `project.dataset.table`), and the data editor role on
 * each table for the Pub/Sub service agent that BigQuery subscriptions
 * write as.
 */
export class WarehouseTables extends pulumi.ComponentResource {
  /** `project.dataset.table` (or `project:dataset.table`) per sink name, as BigQuery subscriptions take it. */
  readonly tables: ReadonlyMap<string, pulumi.Output<string>>;

  constructor(name: string, args: WarehouseTablesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('iotkit:gcp:WarehouseTables', name, {}, opts);
    const { plan, settings } = args;
    const child = { parent: this };
    const tables = new Map<string, pulumi.Output<string>>();
    const created = args.sinks.filter((s) => s.existing.gcp === undefined);
    const dataset =
      created.length === 0
        ? undefined
        : new bigquery.Dataset(
            `${name}-dataset`,
            { datasetId: settings.names.bigQueryDataset, project: settings.project, location: settings.region, labels: { ...settings.labels } },
            child,
          );
    for (const sink of args.sinks) {
      let project: pulumi.Input<string>;
      let datasetId: pulumi.Input<string>;
      let tableId: pulumi.Input<string>;
      if (sink.existing.gcp !== undefined) {
        const [p, rest] = sink.existing.gcp.split(/[.:](.*)/s);
        const [d, t] = rest.split('.');
        [project, datasetId, tableId] = [p, d, t];
      } else {
        if (dataset === undefined) throw new Error('internal: no dataset');
        const table = new bigquery.Table(
          `${name}-${sink.name}`,
          {
            datasetId: dataset.datasetId,
            tableId: bigQueryTableId(sink.name),
            project: settings.project,
            labels: { ...settings.labels },
            schema: JSON.stringify(warehouseSchema(plan, sink.name)),
            timePartitioning: { type: 'DAY', field: 'publish_time' },
            deletionProtection: true,
          },
          child,
        );
        project = table.project;
        datasetId = table.datasetId;
        tableId = table.tableId;
      }
      new bigquery.IamMember(
        `${name}-${sink.name}-agent-editor`,
        { project, datasetId, tableId, role: 'roles/bigquery.dataEditor', member: args.serviceAgentMember },
        child,
      );
      tables.set(sink.name, pulumi.interpolate`${project}.${datasetId}.${tableId}`);
    }
    this.tables = tables;
    this.registerOutputs({});
  }
}
