package dev.tokenwarden.demo;

import java.util.Map;

import dev.tokenwarden.stack.LocalStack;

/** One benchmark scenario: runs on the given stack and returns its figures (ordered). */
interface BenchScenario {
    Map<String, Object> run(LocalStack stack, String name, int workers) throws Exception;
}
