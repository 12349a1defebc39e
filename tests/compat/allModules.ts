// Every entry point Grafana loads from the plugin, for @grafana/levitate (scripts/check-compatibility.sh):
// it follows their imports, so the whole bundle's @grafana/* use is checked in one run.
import * as app from '../../src/module';
import * as datasource from '../../src/datasource/module';
import * as breakerTimeline from '../../src/panels/breaker-timeline/module';
import * as relevanceHeatmap from '../../src/panels/relevance-heatmap/module';

export { app, datasource, breakerTimeline, relevanceHeatmap };
