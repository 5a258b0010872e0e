/**
 * The CDK context of cdk.json (feature flags and CLI settings), the single
 * source for both `npx cdk synth` (the CLI passes it to cdk/app.ts) and
 * in-process synthesis by `iotkit synth` (synth.ts passes it to the App).
 */
import cdkJson from '../cdk.json';

export const CDK_JSON_CONTEXT: Readonly<Record<string, unknown>> = cdkJson.context;
