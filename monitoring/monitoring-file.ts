/** A rendered monitoring file and its generated-by marker (the same marker every rendered file carries). */
import { markerComment } from '../cloudinit/marker';
import type { Topology } from '../topology';

export interface MonitoringFile {
  /** File name inside cdktf.out/monitoring/<env>/. */
  readonly name: string;
  readonly content: string;
}

export function monitoringMarker(t: Topology, extra: readonly string[]): string {
  return markerComment(t, '#', [`Written by warren synth to cdktf.out/monitoring/${t.name}/.`, ...extra]);
}
