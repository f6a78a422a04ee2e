/**
 * PostgreSQL through JDBI: one SqlObject interface per table with its SQL beside each method, records out,
 * deleted rows ignored by every account query; and the Flyway migrations of the reference schema. Rows sub2api
 * stores encrypted are opened and re-sealed here only (its sub-package {@code envelope}), and their guarded writes
 * compare the stored fingerprint.
 */
package dev.tokenwarden.store;
