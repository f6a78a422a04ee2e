/**
 * {@code tokenwarden chaos}: crashes, stops and rebalances of real {@code tokenwarden run} processes on the
 * local stack, judged from the database and the fake provider's ledger alone. The driver
 * JVM owns the stack and the fake provider; workers are child JVMs it spawns, signals and always ends.
 */
package dev.tokenwarden.demo.chaos;
