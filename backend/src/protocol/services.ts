import * as grpc from '@grpc/grpc-js';
import { fromJSON, type Options } from '@grpc/proto-loader';
import * as protobuf from 'protobufjs';
import { GO_PLUGIN_CONTROLLER_PROTO, GRPC_HEALTH_PROTO, PLUGINV2_PROTO } from './protos';

/** proto-loader settings: names as in the proto, int64 as strings, enums by name, bytes as Buffer. */
export const LOADER_OPTIONS: Options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

function loadPackage(source: string): grpc.GrpcObject {
  const root = protobuf.parse(source, { keepCase: true }).root;
  return grpc.loadPackageDefinition(fromJSON(root.toJSON(), LOADER_OPTIONS));
}

function service(pkg: grpc.GrpcObject, path: string[]): grpc.ServiceDefinition {
  let node: unknown = pkg;
  for (const part of path) {
    node = (node as Record<string, unknown>)[part];
  }
  const ctor = node as grpc.ServiceClientConstructor | undefined;
  if (!ctor?.service) {
    throw new Error(`embedded proto has no service ${path.join('.')}`);
  }
  return ctor.service;
}

const pluginv2 = loadPackage(PLUGINV2_PROTO);
const controller = loadPackage(GO_PLUGIN_CONTROLLER_PROTO);
const health = loadPackage(GRPC_HEALTH_PROTO);

export const SERVICES = {
  data: service(pluginv2, ['pluginv2', 'Data']),
  diagnostics: service(pluginv2, ['pluginv2', 'Diagnostics']),
  resource: service(pluginv2, ['pluginv2', 'Resource']),
  controller: service(controller, ['plugin', 'GRPCController']),
  health: service(health, ['grpc', 'health', 'v1', 'Health']),
};
