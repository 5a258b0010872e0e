import type { Spec } from '../spec/types';
import type { Plan } from '../plan/types';
import {
  AWS_RULE_NAME,
  AZURE_RESERVED_ENDPOINTS,
  AZURE_ROUTE_NAME,
  GCP_PUBSUB_ID,
  awsRuleName,
  azureEndpointName,
  azureRouteName,
  gcpDeadLetterTopicId,
  gcpSubscriptionId,
  gcpTopicId,
} from '../naming';
import { joinPath, routePath, type ProblemList } from './problem';

/** AWS IoT: at most 10 actions per topic rule (the error action is separate). */
export const AWS_MAX_ACTIONS_PER_RULE = 10;
/** Azure IoT Hub (paid tiers): at most 100 routes and 10 custom endpoints. */
export const AZURE_MAX_ROUTES = 100;
export const AZURE_MAX_CUSTOM_ENDPOINTS = 10;
/** Event Hubs Standard: at most 10 event hubs per namespace (the kit puts its stream sinks in one). */
export const AZURE_MAX_EVENT_HUBS = 10;
/** Event Grid namespaces: at most 500 event subscriptions per namespace topic. */
export const AZURE_MAX_EVENT_SUBSCRIPTIONS_PER_TOPIC = 500;
/** Pub/Sub subscription filters: at most 256 bytes. */
export const GCP_MAX_FILTER_BYTES = 256;

/**
 * Limits each cloud enforces at deploy time, checked on the plan so they fail
 * before anything is generated rather than halfway through a deployment.
 */
export function checkCloudLimits(spec: Spec, plan: Plan, problems: ProblemList): void {
  const sinksOn = (cloud: 'aws' | 'azure' | 'gcp', names: readonly string[]) =>
    names.filter((n) => plan.sinks.find((s) => s.name === n)?.clouds.includes(cloud));

  if (plan.clouds.includes('aws')) {
    for (const route of plan.routes) {
      const rule = awsRuleName(plan.name, route.name);
      if (!AWS_RULE_NAME.test(rule))
        problems.error(routePath(route, 'name'), `AWS IoT rule name "${rule}" must match ^[a-zA-Z0-9_]+$ and be at most 128 characters`);
      const actions = sinksOn('aws', route.to).length;
      if (actions > AWS_MAX_ACTIONS_PER_RULE) {
        problems.error(
          routePath(route, 'to'),
          `AWS IoT allows at most ${AWS_MAX_ACTIONS_PER_RULE} actions per topic rule, this route has ${actions}: split it into several routes`,
        );
      }
    }
  }

  if (plan.clouds.includes('azure')) {
    const azureSinks = plan.sinks.filter((s) => s.clouds.includes('azure'));
    const eventGrid = spec.targets.azure?.broker === 'eventgrid';
    if (!eventGrid && azureSinks.length > AZURE_MAX_CUSTOM_ENDPOINTS) {
      problems.error(
        'sinks',
        `Azure IoT Hub allows at most ${AZURE_MAX_CUSTOM_ENDPOINTS} custom endpoints, the spec needs ${azureSinks.length} (one per sink on Azure): share sinks or set sinks.<name>.clouds`,
      );
    }
    // Event Grid mode has no IoT Hub endpoints; the stream sinks the kit creates are event hubs of one Standard namespace.
    const createdHubs = azureSinks.filter((s) => s.kind === 'stream' && s.existing.azure === undefined);
    if (eventGrid && createdHubs.length > AZURE_MAX_EVENT_HUBS) {
      problems.error(
        'sinks',
        `the ${createdHubs.length} stream sinks on Azure are event hubs of one Event Hubs Standard namespace, which holds at most ${AZURE_MAX_EVENT_HUBS}: share sinks, give some an existing event hub (sinks.<name>.existing.azure) or set sinks.<name>.clouds`,
      );
    }
    for (const sink of azureSinks) {
      const endpoint = azureEndpointName(sink.name);
      if (AZURE_RESERVED_ENDPOINTS.includes(endpoint.toLowerCase()))
        problems.error(joinPath('sinks', sink.name), `"${endpoint}" is a reserved IoT Hub endpoint name`);
    }
    let routeCount = (spec.targets.azure?.builtInEvents ?? []).length;
    for (const route of plan.routes) {
      for (const sink of sinksOn('azure', route.to)) {
        routeCount++;
        const name = azureRouteName(route.name, sink);
        if (!AZURE_ROUTE_NAME.test(name))
          problems.error(
            routePath(route, 'name'),
            `Azure IoT Hub route name "${name}" must match ^[A-Za-z0-9-._]{1,64}$ (route name and sink name joined by "-")`,
          );
      }
    }
    if (!eventGrid && routeCount > AZURE_MAX_ROUTES) {
      problems.error(
        'routes',
        `Azure IoT Hub allows at most ${AZURE_MAX_ROUTES} routes, the spec needs ${routeCount} (one per route and sink on Azure, plus targets.azure.builtInEvents)`,
      );
    }
    // Event Grid mode: one event subscription per route and sink, all on the namespace's routing topic.
    const subscriptions = plan.routes.reduce((n, route) => n + sinksOn('azure', route.to).length, 0);
    if (eventGrid && subscriptions > AZURE_MAX_EVENT_SUBSCRIPTIONS_PER_TOPIC) {
      problems.error(
        'routes',
        `Azure Event Grid allows at most ${AZURE_MAX_EVENT_SUBSCRIPTIONS_PER_TOPIC} event subscriptions per namespace topic, the spec needs ${subscriptions} (one per route and sink on Azure, all on the routing topic): use fewer routes or sinks on Azure`,
      );
    }
  }

  if (plan.clouds.includes('gcp')) {
    const ids: Array<[string, string]> = [['name', gcpDeadLetterTopicId(plan.name)]];
    for (const t of plan.topics) ids.push([joinPath('topics', t.name), gcpTopicId(plan.name, t.name)]);
    for (const route of plan.routes) {
      for (const sink of sinksOn('gcp', route.to)) ids.push([routePath(route, 'name'), gcpSubscriptionId(plan.name, route.name, sink)]);
      const bytes = Buffer.byteLength(route.compiled.gcp.subscriptionFilter, 'utf8');
      if (bytes > GCP_MAX_FILTER_BYTES)
        problems.error(routePath(route, 'filter'), `the Pub/Sub subscription filter is ${bytes} bytes, over the ${GCP_MAX_FILTER_BYTES}-byte limit`);
    }
    for (const [at, id] of ids) {
      if (!GCP_PUBSUB_ID.test(id))
        problems.error(at, `Pub/Sub id "${id}" must start with a letter, hold 3 to 255 of letters, digits and -_.~+% and not start with "goog"`);
    }
  }
}
