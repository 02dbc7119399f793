import type { WorkloadPodSchema } from '@slipway/contracts';
import type { z } from 'zod';

/** The pods of a workload as read from the cluster: phase, readiness, restarts, node. */
export function PodsTable(props: { label: string; pods: readonly z.infer<typeof WorkloadPodSchema>[] }) {
  return (
    <div className="table-scroll">
      <table className="table" aria-label={props.label}>
        <thead>
          <tr>
            <th>Pod</th>
            <th>Phase</th>
            <th>Ready</th>
            <th>Restarts</th>
            <th>Node</th>
          </tr>
        </thead>
        <tbody>
          {props.pods.map((pod) => (
            <tr key={pod.name}>
              <td>
                <code>{pod.name}</code>
              </td>
              <td>{pod.phase}</td>
              <td>{pod.ready ? 'yes' : 'no'}</td>
              <td>{pod.restarts}</td>
              <td>{pod.node}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
