// tests/tsconfig.json resolves modules the node10 way, which ignores package.json "exports": this
// gives @grafana/ui's "./unstable" export (TableNG, for dashboardPreview.tsx) its declarations.
declare module '@grafana/ui/unstable' {
  export * from '@grafana/ui/dist/types/unstable';
}
