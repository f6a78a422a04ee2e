/**
 * PostgreSQL through JDBI: one SqlObject interface per table with its SQL beside each method, records out,
 * deleted rows ignored by every account query; and the Flyway migrations of the reference schema.
 */
package dev.tokenwarden.store;
