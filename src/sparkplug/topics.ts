/**
 * Sparkplug B topic namespace (3.0, chapter 4): `spBv1.0/<group>/<type>/<edge node>[/<device>]`, and
 * a primary host's `spBv1.0/STATE/<host id>`. Ids are checked at config load (no '/', '+', '#').
 */

export const NAMESPACE = 'spBv1.0';

export type NodeMessage = 'NBIRTH' | 'NDEATH' | 'NDATA' | 'NCMD';
export type DeviceMessage = 'DBIRTH' | 'DDEATH' | 'DDATA' | 'DCMD';

export interface EdgeNodeId {
  readonly groupId: string;
  readonly edgeNodeId: string;
}

export const nodeTopic = (node: EdgeNodeId, type: NodeMessage): string => `${NAMESPACE}/${node.groupId}/${type}/${node.edgeNodeId}`;

export const deviceTopic = (node: EdgeNodeId, type: DeviceMessage, deviceId: string): string =>
  `${NAMESPACE}/${node.groupId}/${type}/${node.edgeNodeId}/${deviceId}`;

export const stateTopic = (hostId: string): string => `${NAMESPACE}/STATE/${hostId}`;

/** What an incoming message is, by its topic; undefined for one the node does not take. */
export type IncomingTopic =
  | { readonly kind: 'NCMD' }
  | { readonly kind: 'DCMD'; readonly deviceId: string }
  | { readonly kind: 'STATE'; readonly hostId: string };

export function parseIncoming(node: EdgeNodeId, topic: string): IncomingTopic | undefined {
  const levels = topic.split('/');
  if (levels[0] !== NAMESPACE) return undefined;
  if (levels.length === 3 && levels[1] === 'STATE') return { kind: 'STATE', hostId: levels[2]! };
  if (levels[1] !== node.groupId || levels[3] !== node.edgeNodeId) return undefined;
  if (levels.length === 4 && levels[2] === 'NCMD') return { kind: 'NCMD' };
  if (levels.length === 5 && levels[2] === 'DCMD') return { kind: 'DCMD', deviceId: levels[4]! };
  return undefined;
}
