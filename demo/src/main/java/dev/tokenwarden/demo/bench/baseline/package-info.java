/**
 * The baselines the storms are measured against, each run as gateway processes of their own: (a) naive, every
 * event refreshes inline under no lock; (b) seed-style, sub2api's single-flight + Redis SET NX design.
 */
package dev.tokenwarden.demo.bench.baseline;
