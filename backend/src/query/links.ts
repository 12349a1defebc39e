/** This data source, for links from one of its frames to another of its queries. */
export interface SelfLink {
  uid: string;
  name: string;
}

/** An internal data link that runs a query of this data source with the clicked value. */
export function selfLink(self: SelfLink, title: string, query: Record<string, unknown>) {
  return { title, url: '', internal: { datasourceUid: self.uid, datasourceName: self.name, query } };
}

/** The link from a trace id to the trace view of this data source. */
export function traceIdLink(self: SelfLink) {
  return selfLink(self, 'Open trace', { queryType: 'traces', traceId: '${__value.raw}' });
}
