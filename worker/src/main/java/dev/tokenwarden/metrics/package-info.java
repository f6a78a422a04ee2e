/**
 * The worker's Prometheus metrics, and the only package that knows Micrometer.
 * {@link dev.tokenwarden.metrics.MetricCatalog} declares every metric of ours once (name, kind, labels, meaning);
 * {@link dev.tokenwarden.metrics.WorkerMetrics} binds them to the plain counters the other packages keep, and
 * implements the small observer interfaces they call for histograms;
 * {@link dev.tokenwarden.metrics.KafkaStreamsFigures} is the one reader of Kafka's own metric names. The README's
 * metrics table is generated from the catalog. No label ever carries an account id or a token: labels are bounded sets (platform, outcome, reason).
 */
package dev.tokenwarden.metrics;
