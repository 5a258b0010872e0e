/**
 * CloudFormation quotas per template that the layout cannot foresee
 * exactly, checked on the synthesized templates before anything is written:
 * outputs (the main stack exports the sink, key, queue and fleet values that
 * rules and devices stacks import) and template size. Resources per stack are
 * planned in layout.ts and checked again here, as the last word.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
 */
import { CFN_MAX_OUTPUTS_PER_STACK, CFN_MAX_RESOURCES_PER_STACK } from './layout';

export { CFN_MAX_OUTPUTS_PER_STACK };
/** "Template body size in an Amazon S3 object: 1 MB" (read as 10^6 bytes, the smaller reading). */
export const CFN_MAX_TEMPLATE_BYTES = 1_000_000;

export interface RenderedTemplate {
  readonly stackName: string;
  readonly template: { readonly Resources?: object; readonly Outputs?: object };
  /** The template as written to out/ (its size is what CloudFormation counts). */
  readonly text: string;
}

/** One line per quota a template breaks; empty when every template fits. */
export function templateQuotaProblems(templates: readonly RenderedTemplate[]): string[] {
  return templates.flatMap(({ stackName, template, text }) => {
    const outputs = Object.keys(template.Outputs ?? {}).length;
    const resources = Object.keys(template.Resources ?? {}).length;
    const bytes = Buffer.byteLength(text, 'utf8');
    const problems: string[] = [];
    if (outputs > CFN_MAX_OUTPUTS_PER_STACK) {
      problems.push(
        `stack ${stackName} has ${outputs} outputs, over CloudFormation's ${CFN_MAX_OUTPUTS_PER_STACK} per template: the main stack exports about two values per sink and per fleet that the rules and devices stacks use; declare fewer sinks or fleets, or split the spec into several specs`,
      );
    }
    if (resources > CFN_MAX_RESOURCES_PER_STACK) {
      problems.push(`stack ${stackName} has ${resources} resources, over CloudFormation's ${CFN_MAX_RESOURCES_PER_STACK} per template`);
    }
    if (bytes > CFN_MAX_TEMPLATE_BYTES) {
      problems.push(`stack ${stackName} is ${bytes} bytes, over CloudFormation's ${CFN_MAX_TEMPLATE_BYTES} per template: split the spec into several specs`);
    }
    return problems;
  });
}
