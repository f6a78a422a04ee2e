/**
 * The operator HTTP server (issue 11): {@code /metrics}, {@code /health/live} and {@code /health/ready} on the
 * port of {@code http.port}, on the JDK's own {@code com.sun.net.httpserver}: three read-only paths need no
 * framework. The paths are a contract (container HEALTHCHECKs and probes name them): never rename them.
 */
package dev.tokenwarden.http;
