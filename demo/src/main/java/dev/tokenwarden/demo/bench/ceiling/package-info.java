/** Bare Kafka Streams processors the bench measures as ceilings; they depend on nothing of tokenwarden. */
package dev.tokenwarden.demo.bench.ceiling;
