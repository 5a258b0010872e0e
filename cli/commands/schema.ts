import type { Command } from '../command';
import { parseCommandArgs } from '../args';
import { SPEC_JSON_SCHEMA } from '../../lib/spec/json-schema';

export const schemaCommand: Command = {
  name: 'schema',
  summary: "print the spec's JSON Schema (for editor completion of YAML/JSON specs)",
  usage: `Usage: iotkit schema

Prints the JSON Schema of the spec. Point your editor at it, e.g. in YAML:
  # yaml-language-server: $schema=./iotkit.schema.json

Options:
  -h, --help   show this help`,
  async run(args, io) {
    parseCommandArgs(args, {});
    io.out(JSON.stringify(SPEC_JSON_SCHEMA, null, 2));
    return 0;
  },
};
