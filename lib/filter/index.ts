export type { ComparisonOp, FilterExpr, FilterLiteral, FilterRef } from './ast';
export { parseFilter } from './parse';
export { formatFilter } from './format';
export { FilterSyntaxError } from './syntax-error';
export { evaluateFilter, evaluateFilterTruth, lookupRef, type FilterInput, type Truth } from './evaluate';
export { compileAwsSql, compileAwsWhere, type AwsRuleTopic, type AwsTopicVariables } from './compile-aws';
export { compileAzureCondition } from './compile-azure';
export {
  compileGcpSubscriptionFilter,
  gcpRouteAttribute,
  gcpRouteAttributes,
  GCP_FILTER_MAX_BYTES,
  GCP_ROUTE_ATTRIBUTE_PREFIX,
  GCP_ROUTE_ATTRIBUTE_VALUE,
} from './compile-gcp';
export { matchMessage, routeSelects, type MessageMatch, type NeutralMessage } from './message';
export { decimalValue, isRoundTripNumber, numberLiteralProblem, MAX_NUMBER_MAGNITUDE } from './numbers';
export { explainFilter, type FilterExplanation } from './explain-filter';
