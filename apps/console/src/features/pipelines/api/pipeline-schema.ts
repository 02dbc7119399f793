import { pipelineEndpoints } from '@slipway/contracts';
import { useQuery } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';
import { isJsonSchema, type JsonSchema } from '../schema/json-schema.ts';

// The schema changes only with a server upgrade: fetch it once per page load.
export function usePipelineJsonSchema() {
  return useQuery({
    queryKey: ['schemas', 'pipeline'] as const,
    queryFn: async (): Promise<JsonSchema> => {
      const schema = await callEndpoint(pipelineEndpoints.schema);
      if (!isJsonSchema(schema)) throw new Error('the server sent a pipeline schema that is not an object');
      return schema;
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
}
