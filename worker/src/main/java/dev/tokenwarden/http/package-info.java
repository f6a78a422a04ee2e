/**
 * The operator HTTP server: {@code /metrics}, {@code /health/live} and {@code /health/ready} on the port of
 * {@code http.port}, on Jetty's server (core handlers, no servlets), which reads requests without holding a thread,
 * so idle or stalled connections cannot starve the probes. Jetty's server is used only here. The paths are a
 * contract (container HEALTHCHECKs and probes name them): never rename them.
 */
package dev.tokenwarden.http;
