import type * as grpc from '@grpc/grpc-js';
import * as protobuf from 'protobufjs';
import { GO_PLUGIN_CONTROLLER_PROTO, GRPC_HEALTH_PROTO, PLUGINV2_PROTO } from './protos';

/** Decoding like proto-loader with: int64 as strings, enums by name, defaults filled, bytes as Buffer. */
const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, defaults: true, oneofs: true };

/** protobufjs already writes Buffers in Node: wrap, don't copy (responses carry whole frames). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * gRPC service definitions straight from protobufjs reflection. (proto-loader builds the same
 * plus file descriptors for server reflection, which Grafana never asks for; skipping them, and
 * generating each message's codec on its first use, takes most of the start-up time off.)
 */
const roots = new Map<string, protobuf.Root>();

function serviceDefinition(source: string, name: string): grpc.ServiceDefinition {
  let root = roots.get(source);
  if (!root) {
    root = protobuf.parse(source, { keepCase: true }).root;
    roots.set(source, root); // pluginv2 has three services: parsed once
  }
  const service = root.lookupService(name);
  const definition: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const request = method.resolvedRequestType!;
    const response = method.resolvedResponseType!;
    definition[method.name] = {
      path: `/${service.fullName.replace(/^\./, '')}/${method.name}`,
      requestStream: Boolean(method.requestStream),
      responseStream: Boolean(method.responseStream),
      requestSerialize: (value) => asBuffer(request.encode(request.fromObject(value as object)).finish()),
      requestDeserialize: (bytes) => request.toObject(request.decode(bytes), TO_OBJECT),
      responseSerialize: (value) => asBuffer(response.encode(response.fromObject(value as object)).finish()),
      responseDeserialize: (bytes) => response.toObject(response.decode(bytes), TO_OBJECT),
      originalName: method.name,
    };
  }
  return definition as grpc.ServiceDefinition;
}

export const SERVICES = {
  data: serviceDefinition(PLUGINV2_PROTO, 'pluginv2.Data'),
  diagnostics: serviceDefinition(PLUGINV2_PROTO, 'pluginv2.Diagnostics'),
  resource: serviceDefinition(PLUGINV2_PROTO, 'pluginv2.Resource'),
  controller: serviceDefinition(GO_PLUGIN_CONTROLLER_PROTO, 'plugin.GRPCController'),
  health: serviceDefinition(GRPC_HEALTH_PROTO, 'grpc.health.v1.Health'),
};
